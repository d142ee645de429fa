/**
 * "New for you" on the start page: for each watch (saved with `paper-search watch add` or POST
 * /api/watches), the papers added since it was saved that match it well (GET /api/digest), as results
 * with why each is there, or that nothing is new. Not asked for when the page says there are no
 * watches; hidden when the API does not answer (a server with an access token answers only once the
 * page has it).
 */
import * as api from './api.js';
import { loadMarks } from './marks.js';
import { resultItems } from './render.js';
import { ui } from './ui.js';

/** The digest once fetched; fetched again only after a failure. */
let loading: Promise<api.Digest | null> | undefined;
let wanted = false;

/** A watch was saved on this page: there are watches now, and the digest is asked for again. */
export function watchesChanged(): void {
  ui.digest.dataset.watched = 'true';
  loading = undefined;
  showDigest(wanted);
}

/** Shows the digest while the page shows its start (no question asked), hides it otherwise. */
export function showDigest(visible: boolean): void {
  wanted = visible;
  ui.digest.hidden = !visible || ui.digest.childElementCount === 0;
  if (!visible || loading || ui.digest.dataset.watched !== 'true') return;
  loading = api.digest(new AbortController().signal).catch(() => null);
  void loading.then((digest) => {
    if (digest === null) {
      loading = undefined;
      return;
    }
    render(digest);
    ui.digest.hidden = !wanted || ui.digest.childElementCount === 0;
  });
}

function render(digest: api.Digest): void {
  if (digest.watches.length === 0) {
    ui.digest.replaceChildren();
    return;
  }
  const title = document.createElement('h2');
  title.id = 'digest-title';
  title.textContent = 'New for you';
  const count = digest.watches.reduce((sum, watch) => sum + watch.papers.length, 0);
  const watches = `your ${digest.watches.length} ${digest.watches.length === 1 ? 'watch' : 'watches'}`;
  const summary = paragraph(
    'digest-summary',
    count === 0
      ? `Nothing new for ${watches} since you started watching.`
      : `${count} new ${count === 1 ? 'paper matches' : 'papers match'} ${watches} well.`,
  );
  ui.digest.replaceChildren(title, summary, ...digest.watches.map(watchPart));
}

function watchPart(watch: api.Digest['watches'][number]): HTMLElement {
  const part = document.createElement('section');
  part.className = 'watch';
  part.dataset.id = watch.id;
  const heading = document.createElement('h3');
  heading.className = 'watch-query';
  heading.textContent = watch.query === undefined ? likedSetTitle(watch) : `“${watch.query}”`;
  const since = /^\d+$/.test(watch.since) ? `build ${watch.since}` : watch.since.slice(0, 10);
  const news = paragraph('hint', watch.papers.length === 0 ? `Nothing new since ${since}.` : `${watch.papers.length} new since ${since}:`);
  if (watch.papers.length === 0) {
    part.append(heading, news);
    return part;
  }
  const list = document.createElement('ol');
  list.className = 'results';
  const items = resultItems(watch.papers, 'hybrid', true, {}, 'h4');
  items.forEach((item, i) => {
    item.querySelector('.snippet')?.after(paragraph('why', `Why: ${watch.papers[i]!.why}.`));
  });
  list.append(...items);
  part.append(heading, news, list);
  return part;
}

/** A liked set by its name, else by the titles of its papers this browser has marked (ids for others). */
function likedSetTitle(watch: api.Digest['watches'][number]): string {
  if (watch.name) return `“${watch.name}”`;
  const marked = loadMarks().liked;
  const titles = (watch.liked ?? []).map((id) => `“${marked.find((paper) => paper.id === id)?.title ?? id}”`);
  return `Papers like ${titles.join(', ')}`;
}

function paragraph(className: string, text: string): HTMLParagraphElement {
  const element = document.createElement('p');
  element.className = className;
  element.textContent = text;
  return element;
}
