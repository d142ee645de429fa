// paper-search web page: a thin client of the JSON API (/api/search, /api/similar, /api/papers/:id/similar).
// The URL is the state (/?q=&mode=, /?similar=<id>, /?view=paste); history.pushState + popstate make it
// shareable and back/forward-able. Text from papers and queries only ever reaches the page through
// textContent and text nodes (never innerHTML), so "<script>" in a query or an abstract shows as text.

const MODES = ['hybrid', 'dense', 'lexical'];
const SCORE_MEANING = {
  hybrid: 'fused score: how far the paper stands out on meaning and words (higher is better)',
  dense: 'cosine similarity of meaning, from -1 to 1',
  lexical: 'BM25 word-match score (higher is better)',
};

const byId = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const ui = {
  searchForm: /** @type {HTMLFormElement} */ (byId('search-form')),
  pasteForm: /** @type {HTMLFormElement} */ (byId('paste-form')),
  q: /** @type {HTMLInputElement} */ (byId('q')),
  text: /** @type {HTMLTextAreaElement} */ (byId('text')),
  viewSearch: byId('view-search'),
  viewPaste: byId('view-paste'),
  modes: /** @type {HTMLFieldSetElement} */ (byId('modes')),
  modeNote: byId('mode-note'),
  answer: byId('answer'),
  context: byId('context'),
  status: byId('status'),
  notice: byId('notice'),
  results: byId('results'),
  intro: byId('intro'),
};

// ---------------------------------------------------------------------------------------------------
// State and URL

/**
 * @typedef {{ view: 'search', q: string, mode: string, k?: string }
 *   | { view: 'paste', text: string, mode: string, k?: string }
 *   | { view: 'similar', id: string, title?: string, k?: string }} State
 */

/** @returns {State} */
function stateFromUrl(href) {
  const params = new URL(href).searchParams;
  const k = params.get('k') ?? undefined;
  const mode = params.get('mode') ?? 'hybrid';
  if (params.has('similar')) return withK({ view: 'similar', id: params.get('similar') ?? '' }, k);
  if (params.get('view') === 'paste') return withK({ view: 'paste', text: '', mode }, k);
  return withK({ view: 'search', q: params.get('q') ?? '', mode }, k);
}

function withK(state, k) {
  if (k !== undefined) state.k = k;
  return state;
}

/** @param {State} state */
function urlOf(state) {
  const params = new URLSearchParams();
  if (state.view === 'similar') params.set('similar', state.id);
  else if (state.view === 'paste') {
    params.set('view', 'paste');
    params.set('mode', state.mode);
  } else if (state.q) {
    params.set('q', state.q);
    params.set('mode', state.mode);
  } else if (state.mode !== 'hybrid') params.set('mode', state.mode);
  if (state.k !== undefined) params.set('k', state.k);
  const search = params.toString();
  return search ? `/?${search}` : '/';
}

/** The last state shown in each view, so switching views brings back what was there. */
const lastIn = /** @type {{ search?: State, paste?: State }} */ ({});

/** A user action: a new history entry (unless nothing changed), then show it. */
function navigate(/** @type {State} */ state) {
  if (JSON.stringify(state) === JSON.stringify(history.state)) history.replaceState(state, '', urlOf(state));
  else history.pushState(state, '', urlOf(state));
  void show(state);
}

// ---------------------------------------------------------------------------------------------------
// Talking to the API

class ApiFailure extends Error {
  /** @param {number} status 0 when the server could not be reached */
  constructor(status, message, retryAfter = null) {
    super(message);
    this.status = status;
    this.retryAfter = retryAfter;
  }
}

async function api(path, init, signal) {
  let response;
  try {
    response = await fetch(path, { ...init, signal, headers: { accept: 'application/json', ...(init?.headers ?? {}) } });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new ApiFailure(0, `Could not reach the server (${error instanceof Error ? error.message : error}). Is it still running?`);
  }
  let body;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const message = typeof body?.error?.message === 'string' ? body.error.message : `${response.status} ${response.statusText || 'error'}`.trim();
    throw new ApiFailure(response.status, message, response.headers.get('retry-after'));
  }
  if (body === undefined) throw new ApiFailure(response.status, 'The server sent an answer this page cannot read.');
  return body;
}

// ---------------------------------------------------------------------------------------------------
// Showing a state

let inFlight = /** @type {AbortController | null} */ (null);

/** @param {State} state */
async function show(state) {
  syncControls(state);
  if (state.view !== 'similar') lastIn[state.view] = state;
  inFlight?.abort();
  const controller = new AbortController();
  inFlight = controller;
  const { signal } = controller;

  const text = state.view === 'search' ? state.q.trim() : state.view === 'paste' ? state.text.trim() : state.id;
  ui.intro.hidden = Boolean(text) || state.view !== 'search';
  if (!text) {
    clearAnswer();
    return;
  }
  setBusy(true);
  try {
    const k = state.k !== undefined ? { k: state.k } : {};
    if (state.view === 'search') {
      const answer = await api(`/api/search?${new URLSearchParams({ q: state.q, mode: state.mode, ...k })}`, {}, signal);
      render(answer, state);
    } else if (state.view === 'paste') {
      const body = JSON.stringify({ text: state.text, mode: state.mode, ...(state.k !== undefined ? { k: Number(state.k) } : {}) });
      const answer = await api('/api/similar', { method: 'POST', body, headers: { 'content-type': 'application/json' } }, signal);
      render(answer, state);
    } else {
      if (state.title) showContext(state.title);
      const id = encodeURIComponent(state.id);
      const [paper, answer] = await Promise.all([
        api(`/api/papers/${id}`, {}, signal),
        api(`/api/papers/${id}/similar?${new URLSearchParams(k)}`, {}, signal),
      ]);
      showContext(paper.title);
      render(answer, state);
    }
  } catch (error) {
    if (signal.aborted) return;
    renderFailure(error, state);
  } finally {
    if (inFlight === controller) setBusy(false);
  }
}

/** Makes every control reflect the state (also after back/forward). */
function syncControls(/** @type {State} */ state) {
  const pasting = state.view === 'paste';
  ui.searchForm.hidden = pasting;
  ui.pasteForm.hidden = !pasting;
  const [on, off] = pasting ? [ui.viewPaste, ui.viewSearch] : [ui.viewSearch, ui.viewPaste];
  on.setAttribute('aria-current', 'page');
  off.removeAttribute('aria-current');

  if (state.view === 'search' && ui.q.value !== state.q) ui.q.value = state.q;
  if (state.view === 'similar') ui.q.value = '';
  if (pasting && ui.text.value !== state.text) ui.text.value = state.text;

  const similar = state.view === 'similar';
  ui.modes.disabled = similar;
  ui.modeNote.textContent = similar ? 'Similar papers are always found in hybrid mode.' : '';
  const mode = similar ? 'hybrid' : state.mode;
  for (const radio of modeRadios()) radio.checked = radio.value === mode;

  const label = state.view === 'search' ? state.q.trim() : pasting ? (state.text.trim() ? 'similar to a pasted text' : 'paste an abstract') : 'similar papers';
  document.title = label ? `${label} – paper-search` : 'paper-search';
}

function modeRadios() {
  return /** @type {HTMLInputElement[]} */ ([...ui.modes.querySelectorAll('input[name="mode"]')]);
}

function setBusy(busy) {
  ui.answer.setAttribute('aria-busy', String(busy));
  ui.answer.classList.toggle('loading', busy);
  if (busy) {
    ui.status.textContent = 'Searching…';
    setNotice(null);
  }
}

function clearAnswer() {
  ui.status.textContent = '';
  ui.context.hidden = true;
  ui.context.replaceChildren();
  setNotice(null);
  ui.results.replaceChildren();
  setBusy(false);
}

function showContext(title) {
  const heading = document.createElement('h2');
  heading.append('Papers similar to ');
  const name = document.createElement('cite');
  name.textContent = title;
  heading.append(name);
  ui.context.replaceChildren(heading);
  ui.context.hidden = false;
}

/**
 * @param {'low' | 'empty' | 'error' | 'busy' | 'info' | null} kind
 * @param {(string | Node)[]} parts
 */
function setNotice(kind, ...parts) {
  ui.notice.replaceChildren();
  ui.notice.hidden = kind === null;
  ui.notice.className = kind ? `notice ${kind}` : 'notice';
  if (kind === null) return;
  const message = document.createElement('p');
  if (kind === 'error' || kind === 'busy') message.setAttribute('role', 'alert');
  message.append(...parts);
  ui.notice.append(message);
}

function strong(text) {
  const element = document.createElement('strong');
  element.textContent = text;
  return element;
}

function retryButton(state) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'retry';
  button.textContent = 'Try again';
  button.addEventListener('click', () => void show(state));
  return button;
}

// ---------------------------------------------------------------------------------------------------
// Rendering an answer

/** @param {State} state */
function render(answer, state) {
  if (state.view !== 'similar') ui.context.hidden = true;
  const results = Array.isArray(answer.results) ? answer.results : [];
  const mode = MODES.includes(answer.mode) ? answer.mode : 'hybrid';
  const took = typeof answer.took_ms === 'number' ? ` in ${Math.round(answer.took_ms)} ms` : '';
  const count = `${results.length} ${results.length === 1 ? 'paper' : 'papers'}`;
  ui.status.textContent = state.view === 'search' ? `${count} for “${state.q.trim()}” · ${mode}${took}`
    : state.view === 'paste' ? `${count} similar to the pasted text · ${mode}${took}`
    : `${count} · ${mode}${took}`;

  if (results.length === 0) {
    const hint = mode === 'lexical' ? ' Lexical mode only finds papers containing these words: try Hybrid or Dense, or other words.' : ' Try other words.';
    setNotice('empty', strong('Nothing matched.'), hint);
  } else if (answer.confidence === 'low') {
    setNotice('low', strong('Low confidence.'), ' The collection probably has no paper on this; these are the closest ones, and may not be relevant.');
  } else {
    setNotice(null);
  }

  const terms = state.view === 'search' ? queryTerms(state.q) : [];
  const scale = scoreScale(results.map((r) => r.score), mode);
  ui.results.classList.toggle('low', answer.confidence === 'low');
  ui.results.replaceChildren(...results.map((result) => resultItem(result, terms, scale, mode)));
}

/** @param {State} state */
function renderFailure(error, state) {
  ui.results.replaceChildren();
  ui.status.textContent = '';
  if (!(error instanceof ApiFailure)) {
    setNotice('error', strong('Something went wrong in this page: '), String(error?.message ?? error), ' ', retryButton(state));
    return;
  }
  if (error.status === 503) {
    const wait = error.retryAfter ? ` Try again in ${error.retryAfter} s.` : ' Try again in a moment.';
    setNotice('busy', strong('The server is busy.'), ` ${error.message}.${wait} `, retryButton(state));
  } else if (error.status === 0) {
    setNotice('error', strong('No answer.'), ` ${error.message} `, retryButton(state));
  } else {
    setNotice('error', strong(`The server answered ${error.status}:`), ` ${error.message}`);
  }
}

/** Maps scores to a bar length in [0, 1]: cosine as it is for dense, relative to the best otherwise. */
function scoreScale(scores, mode) {
  if (mode === 'dense') return (score) => Math.max(0, Math.min(1, score));
  const top = Math.max(...scores);
  const bottom = Math.min(0, ...scores);
  return (score) => (top > bottom ? (score - bottom) / (top - bottom) : 1);
}

function resultItem(result, terms, scale, mode) {
  const item = document.createElement('li');
  item.className = 'result';

  const title = document.createElement('h2');
  title.className = 'title';
  title.textContent = String(result.title);

  const score = document.createElement('p');
  score.className = 'score';
  score.title = SCORE_MEANING[mode];
  const bar = document.createElement('span');
  bar.className = 'bar';
  bar.setAttribute('aria-hidden', 'true');
  const fill = document.createElement('span');
  fill.className = 'fill';
  fill.style.width = `${Math.round(Math.max(0.03, scale(result.score)) * 100)}%`; // CSSOM, allowed by style-src 'self'
  bar.append(fill);
  const value = document.createElement('span');
  value.className = 'value';
  value.textContent = `score ${Number(result.score).toFixed(mode === 'dense' ? 3 : 2)}`;
  score.append(bar, value);

  const snippet = document.createElement('p');
  snippet.className = 'snippet';
  snippet.append(highlighted(String(result.snippet), terms));

  const details = document.createElement('details');
  details.className = 'abstract';
  const summary = document.createElement('summary');
  summary.append('Full abstract');
  const hidden = document.createElement('span');
  hidden.className = 'visually-hidden';
  hidden.textContent = ` of ${result.title}`;
  summary.append(hidden);
  const abstract = document.createElement('p');
  abstract.append(highlighted(String(result.abstract), terms));
  details.append(summary, abstract);

  const actions = document.createElement('p');
  actions.className = 'actions';
  const similar = document.createElement('a');
  similar.className = 'similar';
  similar.href = urlOf({ view: 'similar', id: String(result.id) });
  similar.dataset.id = String(result.id);
  similar.dataset.title = String(result.title);
  similar.textContent = 'Similar papers';
  similar.setAttribute('aria-label', `Papers similar to ${result.title}`);
  const id = document.createElement('code');
  id.className = 'id';
  id.textContent = String(result.id);
  actions.append(similar, id);

  item.append(title, score, snippet, details, actions);
  return item;
}

// ---------------------------------------------------------------------------------------------------
// Highlighting: display only (the ranking is the API's). Words of the text that match a query word
// (exactly, or sharing a long prefix: robot/robots, imitation/imitating) become <mark> elements.

const STOP_WORDS = new Set(('a about above after again against all also am an and any are as at be because been before being below ' +
  'between both but by can could did do does doing done down during each few for from further get had has have having he her ' +
  'here hers him his how i if in into is it its itself just me more most my no nor not now of off on once only or other our ' +
  'out over own paper papers same she should so some such than that the their them then there these they this those through ' +
  'to too under until up using use used very via was we were what when where which while who whom why will with would you your').split(' '));

const WORD = /[\p{L}\p{N}]+/gu;

function queryTerms(query) {
  const words = query.toLowerCase().match(WORD) ?? [];
  return [...new Set(words.filter((word) => !STOP_WORDS.has(word) && (word.length > 1 || /\d/.test(word))))];
}

function sameWord(word, term) {
  if (word === term) return true;
  if (word.length < 4 || term.length < 4) return false;
  let shared = 0;
  while (shared < word.length && shared < term.length && word[shared] === term[shared]) shared++;
  return shared >= 4 && shared >= Math.max(word.length, term.length) - 3;
}

/** The text as text nodes and <mark> elements. */
function highlighted(text, terms) {
  const fragment = document.createDocumentFragment();
  let done = 0;
  if (terms.length > 0) {
    for (const match of text.matchAll(WORD)) {
      const word = match[0].toLowerCase();
      if (!terms.some((term) => sameWord(word, term))) continue;
      if (match.index > done) fragment.append(text.slice(done, match.index));
      const mark = document.createElement('mark');
      mark.textContent = match[0];
      fragment.append(mark);
      done = match.index + match[0].length;
    }
  }
  if (done < text.length) fragment.append(text.slice(done));
  return fragment;
}

// ---------------------------------------------------------------------------------------------------
// Wiring

function currentMode() {
  return modeRadios().find((radio) => radio.checked)?.value ?? 'hybrid';
}

function currentK() {
  const k = history.state?.k;
  return k !== undefined && history.state?.view !== 'similar' ? { k } : {};
}

ui.searchForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const q = ui.q.value.trim();
  if (!q) {
    setNotice('info', 'Type a question or a few keywords, then press Enter.');
    ui.q.focus();
    return;
  }
  navigate({ view: 'search', q, mode: currentMode(), ...currentK() });
});

ui.pasteForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = ui.text.value.trim();
  if (!text) {
    setNotice('info', 'Paste an abstract or a passage first.');
    ui.text.focus();
    return;
  }
  navigate({ view: 'paste', text, mode: currentMode(), ...currentK() });
});

ui.text.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    ui.pasteForm.requestSubmit();
  }
});

ui.modes.addEventListener('change', () => {
  const mode = currentMode();
  const state = /** @type {State | null} */ (history.state);
  if (ui.pasteForm.hidden) {
    const q = ui.q.value.trim();
    if (q) navigate({ view: 'search', q, mode, ...currentK() });
    else history.replaceState({ view: 'search', q: '', mode }, '', urlOf({ view: 'search', q: '', mode }));
  } else {
    const text = ui.text.value.trim();
    const next = /** @type {State} */ ({ view: 'paste', text, mode, ...currentK() });
    // Re-run only an answer already asked for; a half-pasted text is not searched behind the user's back.
    if (text && state?.view === 'paste' && state.text) navigate(next);
    else history.replaceState({ ...next, text: state?.view === 'paste' ? state.text : '' }, '', urlOf(next));
  }
});

ui.viewSearch.addEventListener('click', (event) => {
  if (!plainClick(event)) return;
  event.preventDefault();
  navigate(lastIn.search ?? { view: 'search', q: '', mode: currentMode() });
  ui.q.focus();
});

ui.viewPaste.addEventListener('click', (event) => {
  if (!plainClick(event)) return;
  event.preventDefault();
  navigate(lastIn.paste ?? { view: 'paste', text: '', mode: currentMode() });
  ui.text.focus();
});

ui.results.addEventListener('click', (event) => {
  const link = event.target instanceof Element ? event.target.closest('a.similar') : null;
  if (!(link instanceof HTMLAnchorElement) || !plainClick(event)) return;
  event.preventDefault();
  navigate({ view: 'similar', id: link.dataset.id ?? '', title: link.dataset.title });
  window.scrollTo({ top: 0 });
});

/** A click that should stay in this page (not a new tab or window). */
function plainClick(event) {
  return event.button === 0 && !event.ctrlKey && !event.metaKey && !event.shiftKey && !event.altKey;
}

document.addEventListener('keydown', (event) => {
  if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
  const target = event.target;
  if (target instanceof HTMLElement && (target.isContentEditable || target.closest('input, textarea, select'))) return;
  event.preventDefault();
  const box = ui.pasteForm.hidden ? ui.q : ui.text;
  box.focus();
  box.select();
});

window.addEventListener('popstate', (event) => {
  void show(event.state ?? stateFromUrl(location.href));
});

// A reload keeps history.state (and so a pasted text); a fresh visit reads the URL.
const initial = history.state?.view ? /** @type {State} */ (history.state) : stateFromUrl(location.href);
history.replaceState(initial, '', urlOf(initial));
void show(initial);
