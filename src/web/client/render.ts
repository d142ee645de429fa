/**
 * Rendering answers. Text from papers and queries only reaches the page through text nodes and
 * textContent (never innerHTML), so "<script>" in a query or an abstract shows as text.
 */
import { MODE_HINTS, RECOMMEND_SCORE_HINT, type Mode } from '../../contract/values.js';
import { describeFilter, type Filter } from '../filters.js';
import { ApiFailure, type SearchAnswer, type SearchResult } from './api.js';
import { highlighted, snippetRanges } from './highlight.js';
import { markButtons } from './marks.js';
import { urlOf, type State } from './state.js';
import { ui } from './ui.js';

/** Authors listed before "et al.". */
const AUTHORS_SHOWN = 3;

type NoticeKind = 'low' | 'empty' | 'error' | 'busy' | 'info';

export function setNotice(kind: NoticeKind | null, ...parts: (string | Node)[]): void {
  ui.notice.replaceChildren();
  ui.notice.hidden = kind === null;
  ui.notice.className = kind ? `notice ${kind}` : 'notice';
  if (kind === null) return;
  const message = document.createElement('p');
  if (kind === 'error' || kind === 'busy') message.setAttribute('role', 'alert');
  message.append(...parts);
  ui.notice.append(message);
}

export function setBusy(busy: boolean): void {
  ui.answer.setAttribute('aria-busy', String(busy));
  ui.answer.classList.toggle('loading', busy);
  if (busy) {
    ui.status.textContent = 'Searching…';
    setNotice(null);
  }
}

export function clearAnswer(): void {
  ui.status.textContent = '';
  ui.context.hidden = true;
  ui.context.replaceChildren();
  setNotice(null);
  ui.results.replaceChildren();
  ui.more.hidden = true;
  setBusy(false);
}

export function showContext(title: string): void {
  const heading = document.createElement('h2');
  const name = document.createElement('cite');
  name.textContent = title;
  heading.append('Papers similar to ', name);
  ui.context.replaceChildren(heading);
  ui.context.hidden = false;
}

export function renderAnswer(answer: SearchAnswer, state: State): void {
  if (state.view !== 'similar') ui.context.hidden = true;
  const { results, mode } = answer;
  const took = ` in ${Math.round(answer.took_ms)} ms`;
  const count = `${results.length} ${results.length === 1 ? 'paper' : 'papers'}`;
  ui.status.textContent =
    state.view === 'search'
      ? `${count} for “${state.q.trim()}” · ${mode}${took}`
      : state.view === 'paste'
        ? `${count} similar to the pasted text · ${mode}${took}`
        : `${count} · ${mode}${took}`;

  if (results.length === 0) {
    const filtered = describeFilter(state.filter);
    const hint = filtered
      ? ` Only papers ${filtered} are searched: widen or clear the filters.`
      : mode === 'lexical'
        ? ' Lexical mode only finds papers containing these words: try Hybrid or Dense, or other words.'
        : ' Try other words.';
    setNotice('empty', strong('Nothing matched.'), hint);
  } else if (answer.confidence === 'low') {
    setNotice(
      'low',
      strong('Low confidence.'),
      ' The collection probably has no paper on this; these are the closest ones, and may not be relevant.',
    );
  } else {
    setNotice(null);
  }

  // A pasted text or a whole paper shares most of its content words with every result: marks would cover
  // the text and say nothing. Only a typed question's matches are marked.
  const marked = state.view === 'search';
  ui.results.classList.toggle('low', answer.confidence === 'low');
  ui.results.replaceChildren(...resultItems(results, mode, marked, state.filter));
}

/** The level of a list's titles in the page's outline. */
type Heading = 'h2' | 'h3' | 'h4' | 'h5';

/**
 * The items of a list of results (of a search, a watch or a recommendation), their score bars on one
 * scale; `heading` is their titles' level in the page's outline.
 */
export function resultItems(
  results: SearchResult[],
  mode: ScoreKind,
  marked: boolean,
  filter: Filter,
  heading: Heading = 'h2',
): HTMLLIElement[] {
  const scale = scoreScale(
    results.map((result) => result.score),
    mode,
  );
  return results.map((result) => resultItem(result, scale, mode, marked, filter, heading));
}

/** Shows why a request failed; `field` names the control a refused value came from. */
export function renderFailure(error: unknown, retry: () => void, field?: string): void {
  ui.results.replaceChildren();
  ui.more.hidden = true;
  ui.status.textContent = '';
  if (!(error instanceof ApiFailure)) {
    setNotice(
      'error',
      strong('Something went wrong in this page: '),
      error instanceof Error ? error.message : String(error),
      ' ',
      retryButton(retry),
    );
  } else if (error.status === 503) {
    const wait = error.retryAfter ? ` Try again in ${error.retryAfter} s.` : ' Try again in a moment.';
    setNotice('busy', strong('The server is busy.'), ` ${error.message}.${wait} `, retryButton(retry));
  } else if (error.status === 0) {
    setNotice('error', strong('No answer.'), ` ${error.message} `, retryButton(retry));
  } else {
    setNotice('error', strong(`The server answered ${error.status}:`), ` ${error.message}${field ? ` (the “${field}” filter)` : ''}`);
  }
}

function strong(text: string): HTMLElement {
  const element = document.createElement('strong');
  element.textContent = text;
  return element;
}

function retryButton(retry: () => void): HTMLButtonElement {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'retry';
  button.textContent = 'Try again';
  button.addEventListener('click', retry);
  return button;
}

/** What a list's scores mean: those of a search mode, or those of a recommendation. */
type ScoreKind = Mode | 'recommendation';

/** Maps scores to a bar length in [0, 1]: cosine as it is for dense, relative to the best otherwise. */
function scoreScale(scores: number[], mode: ScoreKind): (score: number) => number {
  if (mode === 'dense') return (score) => Math.max(0, Math.min(1, score));
  const top = Math.max(...scores);
  const bottom = Math.min(0, ...scores);
  return (score) => (top > bottom ? (score - bottom) / (top - bottom) : 1);
}

/** One result; its "Similar papers" link keeps the filters in effect. */
function resultItem(
  result: SearchResult,
  scale: (score: number) => number,
  mode: ScoreKind,
  marked: boolean,
  filter: Filter,
  heading: Heading,
): HTMLLIElement {
  const { explain } = result;
  const item = document.createElement('li');
  item.className = 'result';

  const title = document.createElement(heading);
  title.className = 'title';
  title.append(highlighted(result.title, marked ? explain.title : []));

  const score = document.createElement('p');
  score.className = 'score';
  score.title = mode === 'recommendation' ? RECOMMEND_SCORE_HINT : MODE_HINTS[mode].score;
  const bar = document.createElement('span');
  bar.className = 'bar';
  bar.setAttribute('aria-hidden', 'true');
  const fill = document.createElement('span');
  fill.className = 'fill';
  fill.style.width = `${Math.round(Math.max(0.03, scale(result.score)) * 100)}%`; // CSSOM, allowed by style-src 'self'
  bar.append(fill);
  const value = document.createElement('span');
  value.className = 'value';
  value.textContent = `score ${result.score.toFixed(mode === 'dense' ? 3 : 2)}`;
  score.append(bar, value);

  const snippet = document.createElement('p');
  snippet.className = 'snippet';
  snippet.append(
    highlighted(result.snippet, marked ? snippetRanges(result.abstract, result.snippet, explain.snippet_start, explain.abstract) : []),
  );

  const details = document.createElement('details');
  details.className = 'abstract';
  const summary = document.createElement('summary');
  const about = document.createElement('span');
  about.className = 'visually-hidden';
  about.textContent = ` of ${result.title}`;
  summary.append('Full abstract', about);
  const abstract = document.createElement('p');
  abstract.append(highlighted(result.abstract, marked ? explain.abstract : []));
  details.append(summary, abstract);

  const actions = document.createElement('p');
  actions.className = 'actions';
  const similar = document.createElement('a');
  similar.className = 'similar';
  similar.href = urlOf({ view: 'similar', id: result.id, filter });
  similar.dataset.id = result.id;
  similar.dataset.title = result.title;
  similar.textContent = 'Similar papers';
  similar.setAttribute('aria-label', `Papers similar to ${result.title}`);
  const id = document.createElement('code');
  id.className = 'id';
  id.textContent = result.id;
  actions.append(similar, ...citeControls(result), ...markButtons(result), id);

  const meta = metaLine(result);
  item.append(...(meta ? [title, meta] : [title]), score, snippet, details, actions);
  return item;
}

/** A paper's Cite button (handled by `cite.ts` through its class) and the status it reports into. */
export function citeControls(paper: { id: string; title: string }): [HTMLButtonElement, HTMLSpanElement] {
  const cite = document.createElement('button');
  cite.type = 'button';
  cite.className = 'link cite';
  cite.dataset.id = paper.id;
  cite.textContent = 'Cite';
  cite.setAttribute('aria-label', `Copy the BibTeX entry of ${paper.title}`);
  // Says "Copied" (or what went wrong) beside the button, and to screen readers.
  const citeStatus = document.createElement('span');
  citeStatus.className = 'cite-status';
  citeStatus.setAttribute('role', 'status');
  return [cite, citeStatus];
}

/** "A, B, C et al. · NeurIPS · 2024 · paper ↗" from whichever of authors, venue, year and url the paper has; null when none. */
export function metaLine(result: Pick<SearchResult, 'authors' | 'venue' | 'year' | 'url'>): HTMLParagraphElement | null {
  const parts: (string | Node)[] = [];
  const authors = result.authors?.filter((author) => author.trim() !== '') ?? [];
  if (authors.length > 0) {
    const names = document.createElement('span');
    names.className = 'authors';
    names.textContent = authors.slice(0, AUTHORS_SHOWN).join(', ') + (authors.length > AUTHORS_SHOWN ? ' et al.' : '');
    if (authors.length > AUTHORS_SHOWN) names.title = authors.join(', ');
    parts.push(names);
  }
  if (result.venue?.trim()) {
    const venue = document.createElement('span');
    venue.className = 'venue';
    venue.textContent = result.venue;
    parts.push(venue);
  }
  if (result.year !== undefined) {
    const year = document.createElement('span');
    year.className = 'year';
    year.textContent = String(result.year);
    parts.push(year);
  }
  const href = webAddress(result.url);
  if (href) {
    const link = document.createElement('a');
    link.className = 'paper-link';
    link.href = href;
    link.target = '_blank';
    link.rel = 'noopener noreferrer';
    link.textContent = 'paper ↗';
    link.title = 'Open the paper in a new tab';
    parts.push(link);
  }
  if (parts.length === 0) return null;
  const line = document.createElement('p');
  line.className = 'meta';
  parts.forEach((part, index) => {
    line.append(...(index > 0 ? [' · ', part] : [part]));
  });
  return line;
}

/** The paper's address when it is an http(s) URL; anything else (javascript:, data:, text) is not linked. */
function webAddress(url: string | undefined): string | null {
  if (url === undefined || !URL.canParse(url)) return null;
  const parsed = new URL(url);
  return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
}
