/**
 * "Recommended for you": papers for the marks kept in this browser (marks.ts), from POST /api/recommend,
 * within the filters set on the page (as the search results are), asked again whenever a mark or a
 * filter changes. Lists the marks, each removable, and exports and imports them. "Watch for new papers
 * like these" saves the likes (and the filters) as a watch, whose new papers "New for you" lists.
 * A marked paper the index no longer has (after a rebuild) is forgotten, and the page says so.
 */
import { describeFilter, type Filter } from '../filters.js';
import * as api from './api.js';
import { cite } from './cite.js';
import { watchesChanged } from './digest.js';
import { exportMarks, loadMarks, type Mark, type Marks, mergeMarks, onMarksChange, readMarksFile, saveMarks, withMark } from './marks.js';
import { resultItems } from './render.js';
import { element } from './ui.js';

/** The section's elements, rendered by src/web/page.tsx. */
const ui = {
  recommendations: element('recommendations', HTMLElement),
  recommendationsStatus: element('recommendations-status', HTMLElement),
  recommended: element('recommended', HTMLOListElement),
  marksPanel: element('marks', HTMLDetailsElement),
  marksCount: element('marks-count', HTMLElement),
  marksList: element('marks-list', HTMLUListElement),
  exportMarks: element('export-marks', HTMLButtonElement),
  importMarks: element('import-marks', HTMLInputElement),
  watchLikes: element('watch-likes', HTMLButtonElement),
};

let inFlight: AbortController | null = null;
/** The page's filters, once main.ts has said them (before that, nothing is asked: they may not be "none"). */
let filter: Filter | undefined;
/** What happened to the marks themselves (an import, a forgotten paper), said before the next answer's status. */
let note = '';

function say(status: string, final = true): void {
  ui.recommendationsStatus.textContent = note ? `${note} ${status}` : status;
  if (final) note = '';
}

/** Narrows the recommendations to the papers the page's filters keep; asks again when they changed. */
export function narrowRecommendations(next: Filter): void {
  if (filter !== undefined && JSON.stringify(next) === JSON.stringify(filter)) return;
  filter = next;
  void refresh(loadMarks());
}

async function refresh(marks: Marks): Promise<void> {
  if (filter === undefined) return;
  inFlight?.abort();
  listMarks(marks);
  ui.recommended.replaceChildren();
  const liked = marks.liked.map((paper) => paper.id);
  const disliked = marks.disliked.map((paper) => paper.id);
  ui.watchLikes.hidden = liked.length === 0;
  if (liked.length === 0) {
    say('Press “Like” on papers you like, and recommendations appear here.');
    return;
  }
  const controller = new AbortController();
  inFlight = controller;
  ui.recommendations.setAttribute('aria-busy', 'true');
  say('Finding papers…', false);
  try {
    const answer = await api.recommend(liked, disliked, filter, controller.signal);
    // Under the section's h2; nothing highlighted, no filter carried to "Similar papers".
    ui.recommended.replaceChildren(...resultItems(answer.results, 'recommendation', false, {}, 'h3'));
    const unlike = disliked.length ? `, and unlike ${count(disliked.length, 'paper')} “not for me”` : '';
    const only = Object.keys(filter).length ? ` Only papers ${describeFilter(filter)}.` : '';
    say(`${count(answer.results.length, 'paper')} like ${count(liked.length, 'liked paper')}${unlike}.${only}`);
  } catch (error) {
    if (controller.signal.aborted) return;
    const gone =
      error instanceof api.ApiFailure && error.status === 400 ? /paper "(.+)" is not in the index/.exec(error.message)?.[1] : undefined;
    const forgotten = gone === undefined ? undefined : [...marks.liked, ...marks.disliked].find((paper) => paper.id === gone);
    if (forgotten) {
      // Saving tells the listeners, which ask again without it.
      note = `Forgot “${forgotten.title}”: the index no longer has it.`;
      saveMarks(withMark(marks, forgotten, null));
      return;
    }
    say(`No recommendations: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    if (inFlight === controller) ui.recommendations.setAttribute('aria-busy', 'false');
  }
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** "Your marks": each marked paper with a button that removes its mark. */
function listMarks(marks: Marks): void {
  const total = marks.liked.length + marks.disliked.length;
  ui.marksCount.textContent = String(total);
  ui.marksPanel.hidden = total === 0;
  const item = (paper: { id: string; title: string }, mark: Mark) => {
    const li = document.createElement('li');
    li.className = `marked ${mark}`;
    const kind = document.createElement('span');
    kind.className = 'kind';
    kind.textContent = mark === 'liked' ? 'Liked' : 'Not for me';
    const title = document.createElement('span');
    title.className = 'marked-title';
    title.textContent = paper.title;
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'link unmark';
    remove.textContent = 'Remove';
    remove.setAttribute('aria-label', `Remove the mark on ${paper.title}`);
    remove.addEventListener('click', () => saveMarks(withMark(loadMarks(), paper, null)));
    li.append(kind, ' ', title, ' ', remove);
    return li;
  };
  ui.marksList.replaceChildren(
    ...marks.liked.map((paper) => item(paper, 'liked')),
    ...marks.disliked.map((paper) => item(paper, 'disliked')),
  );
}

onMarksChange((marks) => void refresh(marks));
// "Cite" works here as in the results; "Similar papers" is a plain link to /?similar=<id>.
ui.recommended.addEventListener('click', (event) => {
  const button = event.target instanceof Element ? event.target.closest('button.cite') : null;
  if (button instanceof HTMLButtonElement) void cite(button);
});
ui.exportMarks.addEventListener('click', exportMarks);
ui.watchLikes.addEventListener('click', async () => {
  const marks = loadMarks();
  const papers = count(marks.liked.length, 'liked paper');
  try {
    const { created } = await api.watchLikes(
      marks.liked.map((paper) => paper.id),
      marks.disliked.map((paper) => paper.id),
      filter ?? {},
      new AbortController().signal,
    );
    say(
      created
        ? `Watching: new papers like your ${papers} will show under “New for you” on the start page.`
        : `Already watching papers like your ${papers}.`,
    );
    watchesChanged();
  } catch (error) {
    say(`Could not save the watch: ${error instanceof Error ? error.message : String(error)}`);
  }
});
ui.importMarks.addEventListener('change', async () => {
  const file = ui.importMarks.files?.[0];
  if (!file) return;
  ui.importMarks.value = '';
  try {
    const marks = await readMarksFile(file);
    note = `Imported ${count(marks.liked.length + marks.disliked.length, 'mark')} from ${file.name}.`;
    mergeMarks(marks);
  } catch (error) {
    say(error instanceof Error ? error.message : String(error));
  }
});

// A mark made in another tab shows here too. The first answer is asked for once main.ts gives the filters.
window.addEventListener('storage', () => void refresh(loadMarks()));
