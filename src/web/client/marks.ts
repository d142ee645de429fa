/**
 * The researcher's marks: papers they liked and papers that are "not for me", kept in this browser's
 * localStorage (nothing leaves the machine but the ids sent to /api/recommend). Every result carries a
 * "Like" and a "Not for me" toggle; a change is saved at once and announced to listeners (the
 * recommendations). Marks can be exported as a JSON file and imported back, merged with the ones here.
 */

export type Mark = 'liked' | 'disliked';

/** A marked paper: its id for the API, its title to list it by. */
export interface MarkedPaper {
  id: string;
  title: string;
}

/** What is stored and exported. */
export interface Marks {
  liked: MarkedPaper[];
  disliked: MarkedPaper[];
}

const STORAGE_KEY = 'paper-search.marks';
const EXPORT_FILE = 'paper-search-marks.json';
const LABELS: Record<Mark, { text: string; aria: string }> = {
  liked: { text: 'Like', aria: 'Like' },
  disliked: { text: 'Not for me', aria: 'Not for me:' },
};

const listeners: Array<(marks: Marks) => void> = [];

/** The marks saved in this browser; none when nothing (or something unreadable) is stored. */
export function loadMarks(): Marks {
  try {
    return parseMarks(JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null')) ?? { liked: [], disliked: [] };
  } catch {
    return { liked: [], disliked: [] };
  }
}

/** Saves the marks, updates every toggle on the page and tells the listeners. */
export function saveMarks(marks: Marks): void {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(marks));
  for (const button of document.querySelectorAll<HTMLButtonElement>('button.mark')) syncButton(button, marks);
  for (const listener of listeners) listener(marks);
}

export function onMarksChange(listener: (marks: Marks) => void): void {
  listeners.push(listener);
}

/** A paper's mark, if any. */
export function markOf(marks: Marks, id: string): Mark | undefined {
  if (marks.liked.some((paper) => paper.id === id)) return 'liked';
  if (marks.disliked.some((paper) => paper.id === id)) return 'disliked';
  return undefined;
}

/** The marks with `paper` marked as `mark` (or unmarked with null); a paper is in one list at most. */
export function withMark(marks: Marks, paper: MarkedPaper, mark: Mark | null): Marks {
  const without = (list: MarkedPaper[]) => list.filter((marked) => marked.id !== paper.id);
  const next = { liked: without(marks.liked), disliked: without(marks.disliked) };
  if (mark) next[mark].push({ id: paper.id, title: paper.title });
  return next;
}

/** The "Like" and "Not for me" toggles of a result. */
export function markButtons(paper: MarkedPaper): HTMLButtonElement[] {
  const marks = loadMarks();
  return (['liked', 'disliked'] as const).map((mark) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = `link mark ${mark}`;
    button.dataset.id = paper.id;
    button.dataset.title = paper.title;
    button.dataset.mark = mark;
    button.textContent = LABELS[mark].text;
    button.setAttribute('aria-label', `${LABELS[mark].aria} ${paper.title}`);
    syncButton(button, marks);
    return button;
  });
}

function syncButton(button: HTMLButtonElement, marks: Marks): void {
  button.setAttribute('aria-pressed', String(markOf(marks, button.dataset.id ?? '') === button.dataset.mark));
}

// One listener for every toggle, wherever it is rendered (results, recommendations).
document.addEventListener('click', (event) => {
  const button = event.target instanceof Element ? event.target.closest('button.mark') : null;
  if (!(button instanceof HTMLButtonElement)) return;
  const mark = button.dataset.mark as Mark;
  const paper = { id: button.dataset.id ?? '', title: button.dataset.title ?? '' };
  const marks = loadMarks();
  saveMarks(withMark(marks, paper, markOf(marks, paper.id) === mark ? null : mark));
});

/** Downloads the marks as a JSON file. */
export function exportMarks(): void {
  const file = new Blob([`${JSON.stringify(loadMarks(), null, 2)}\n`], { type: 'application/json' });
  const link = document.createElement('a');
  link.href = URL.createObjectURL(file);
  link.download = EXPORT_FILE;
  link.click();
  // The download has started from the link's own copy; the URL is no longer needed.
  setTimeout(() => URL.revokeObjectURL(link.href), 0);
}

/** The marks in a file exported by `exportMarks`. */
export async function readMarksFile(file: File): Promise<Marks> {
  let marks: Marks | undefined;
  try {
    marks = parseMarks(JSON.parse(await file.text()));
  } catch {
    marks = undefined;
  }
  if (!marks)
    throw new Error(`${file.name} is not a marks file exported by paper-search (a JSON object with "liked" and "disliked" lists)`);
  return marks;
}

/** Adds marks to the ones here; for a paper marked in both, the added mark wins. */
export function mergeMarks(added: Marks): void {
  let marks = loadMarks();
  for (const mark of ['liked', 'disliked'] as const) for (const paper of added[mark]) marks = withMark(marks, paper, mark);
  saveMarks(marks);
}

/** Marks from stored or imported JSON, or undefined when it is not that shape. */
function parseMarks(value: unknown): Marks | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { liked, disliked } = value as Record<string, unknown>;
  if (liked === undefined && disliked === undefined) return undefined;
  const papers = (list: unknown) =>
    Array.isArray(list) && list.every((paper) => typeof paper?.id === 'string' && paper.id !== '')
      ? list.map((paper: { id: string; title?: unknown }) => ({
          id: paper.id,
          title: typeof paper.title === 'string' ? paper.title : paper.id,
        }))
      : undefined;
  const likedPapers = papers(liked ?? []);
  const dislikedPapers = papers(disliked ?? []);
  return likedPapers && dislikedPapers ? { liked: likedPapers, disliked: dislikedPapers } : undefined;
}
