/**
 * paper-search's page script: a thin client of the JSON API (/api/search, /api/similar,
 * /api/papers/:id/similar, /api/papers/:id), bundled by esbuild into /assets/app.js. What is shown is a
 * State (state.ts), pushed to history so the URL can be shared, reloaded and navigated with back/forward.
 */
import { DEFAULT_MODE } from '../../contract/values.js';
import { describeFilter, FILTERS, filterFrom, type Filter } from '../filters.js';
import * as api from './api.js';
import { cite } from './cite.js';
import { showDigest } from './digest.js';
import { narrowRecommendations } from './recommendations.js';
import { onMapToggle, showAnswerOnMap, syncMap } from './map-view.js';
import { clearAnswer, renderAnswer, renderFailure, setBusy, setNotice, showContext } from './render.js';
import { askedText, isState, type SearchState, stateFromUrl, urlOf, withMore, type State } from './state.js';
import { accessToken, forgetAccessToken, keepAccessToken } from './token.js';
import { filterInputs, modeRadios, ui } from './ui.js';

/** /api/papers/:id/similar always ranks in this mode, so the page shows it and offers no choice. */
const SIMILAR_PAPERS_MODE = 'hybrid';

/** What is on screen (or being fetched for it). */
let current: State;
/** The last state shown in each view, so switching views brings back what was there. */
const lastIn: { search?: State; paste?: State } = {};
let inFlight: AbortController | null = null;

/** A user action: a new history entry (unless nothing changed), then show it. */
function navigate(state: State): void {
  if (JSON.stringify(state) === JSON.stringify(history.state)) history.replaceState(state, '', urlOf(state));
  else history.pushState(state, '', urlOf(state));
  void show(state);
}

/** Shows a state, asking the API when it has something to ask; true once its answer is on screen. */
async function show(state: State): Promise<boolean> {
  current = state;
  syncControls(state);
  syncMap(state);
  if (state.view !== 'similar') lastIn[state.view] = state;
  inFlight?.abort();
  const controller = new AbortController();
  inFlight = controller;
  const { signal } = controller;

  ui.tokenForm.hidden = true;
  const asked = askedText(state);
  ui.intro.hidden = asked !== '' || state.view !== 'search';
  showDigest(asked === '' && state.view === 'search');
  if (!asked) {
    clearAnswer();
    return false;
  }
  setBusy(true);
  const sentToken = accessToken() !== null;
  try {
    const answer = await answerTo(state, signal);
    if (signal.aborted) return false;
    renderAnswer(answer, state);
    void showAnswerOnMap(answer);
    ui.more.hidden = withMore(state, answer.results.length) === null;
    return true;
  } catch (error) {
    if (signal.aborted) return false;
    if (error instanceof api.ApiFailure && error.status === 401) {
      // A token that was sent and refused is wrong: drop it and ask again, with the API's reason.
      if (sentToken) forgetAccessToken();
      askForToken(sentToken ? `The server answered 401: ${error.message}` : null);
    } else {
      const refused = error instanceof api.ApiFailure && error.status === 400 ? refusedFilter(error.message) : undefined;
      renderFailure(error, () => void show(state), refused?.label);
      if (refused) {
        filterInputs[refused.field].setAttribute('aria-invalid', 'true');
        setFiltersOpen(true);
      }
    }
    return false;
  } finally {
    if (inFlight === controller) setBusy(false);
  }
}

async function answerTo(state: State, signal: AbortSignal): Promise<api.SearchAnswer> {
  if (state.view === 'search') return api.search(state.q, state.mode, state.k, state.filter, signal);
  if (state.view === 'paste') return api.similarToText(state.text, state.mode, state.k, state.filter, signal);
  if (state.title) showContext(state.title);
  const [paper, answer] = await Promise.all([api.paper(state.id, signal), api.similarToPaper(state.id, state.k, state.filter, signal)]);
  showContext(paper.title);
  return answer;
}

/** Makes every control reflect the state (also after back/forward). */
function syncControls(state: State): void {
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
  ui.modeNote.textContent = similar ? `Similar papers are always found in ${SIMILAR_PAPERS_MODE} mode.` : '';
  const mode = similar ? SIMILAR_PAPERS_MODE : state.mode;
  for (const radio of modeRadios()) radio.checked = radio.value === mode;
  syncFilters(state.filter);

  const label =
    state.view === 'search'
      ? state.q.trim()
      : pasting
        ? state.text.trim()
          ? 'similar to a pasted text'
          : 'paste an abstract'
        : 'similar papers';
  document.title = label ? `${label} – paper-search` : 'paper-search';
}

/** The filter inputs show the filters in effect, highlighted, and the note says them in words with a way to clear them. */
function syncFilters(filter: Filter): void {
  for (const { field } of FILTERS) {
    const input = filterInputs[field];
    const value = filter[field] ?? '';
    if (input.value.trim() !== value) input.value = value;
    input.classList.toggle('active', value !== '');
    input.removeAttribute('aria-invalid');
  }
  const active = Object.keys(filter).length;
  ui.filtersCount.textContent = active ? ` (${active} on)` : '';
  ui.filtersSummary.textContent = active ? `Only papers ${describeFilter(filter)}.` : '';
  ui.filtersNote.hidden = active === 0;
  narrowRecommendations(filter);
}

/** The filter a 400's message is about (the API names the parameter first), to mark and open it. */
function refusedFilter(message: string): (typeof FILTERS)[number] | undefined {
  return FILTERS.find(({ field }) => message.startsWith(`${field} `));
}

function setFiltersOpen(open: boolean): void {
  ui.filters.classList.toggle('open', open);
  ui.filtersToggle.setAttribute('aria-expanded', String(open));
}

function currentFilter(): Filter {
  return filterFrom((field) => filterInputs[field].value);
}

/**
 * New filters for what is shown: an answer already asked for is asked again (a new history entry, like a
 * new mode); before anything is asked, only the URL follows.
 */
function applyFilter(filter: Filter): void {
  if (JSON.stringify(filter) === JSON.stringify(current.filter)) {
    syncFilters(filter);
    return;
  }
  // The mode as the radios show it: a mode chosen before any question is only in the URL, not in `current`.
  const next: State = current.view === 'similar' ? { ...current, filter } : { ...current, mode: currentMode(), filter };
  if (askedText(current)) {
    navigate(next);
  } else {
    current = next;
    history.replaceState(next, '', urlOf(next));
    syncFilters(filter);
  }
}

/** The API wants an access token: ask for it in place of the answer; `refusal` says why the last one failed. */
function askForToken(refusal: string | null): void {
  clearAnswer();
  ui.tokenNote.hidden = true;
  ui.tokenError.textContent = refusal ?? '';
  ui.tokenError.hidden = refusal === null;
  ui.tokenForm.hidden = false;
  ui.tokenInput.focus();
}

function currentMode(): string {
  return modeRadios().find((radio) => radio.checked)?.value ?? DEFAULT_MODE;
}

/** The k of what is shown, carried into the next search (a similar-papers k stays with that view). */
function currentK(): { k?: string } {
  return current.view !== 'similar' && current.k !== undefined ? { k: current.k } : {};
}

/** On submit: the field's text, or a hint and the focus back in the field when it is empty. */
function onSubmitText(
  form: HTMLFormElement,
  field: HTMLInputElement | HTMLTextAreaElement,
  hint: string,
  search: (text: string) => void,
): void {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = field.value.trim();
    if (text) return search(text);
    setNotice('info', hint);
    field.focus();
  });
}

onSubmitText(ui.searchForm, ui.q, 'Type a question or a few keywords, then press Enter.', (q) =>
  navigate({ view: 'search', q, mode: currentMode(), ...currentK(), filter: currentFilter(), ...onMap() }),
);
onSubmitText(ui.pasteForm, ui.text, 'Paste an abstract or a passage first.', (text) =>
  navigate({ view: 'paste', text, mode: currentMode(), ...currentK(), filter: currentFilter() }),
);

ui.text.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    ui.pasteForm.requestSubmit();
  }
});

ui.modes.addEventListener('change', () => {
  const mode = currentMode();
  if (ui.pasteForm.hidden) {
    const q = ui.q.value.trim();
    const next: State = { view: 'search', q, mode, ...currentK(), filter: current.filter, ...onMap() };
    if (q) navigate(next);
    else history.replaceState(next, '', urlOf(next));
  } else {
    const text = ui.text.value.trim();
    const next: State = { view: 'paste', text, mode, ...currentK(), filter: current.filter };
    // Re-run only an answer already asked for; a half-pasted text is not searched behind the user's back.
    const asked = current.view === 'paste' ? current.text : '';
    if (text && asked) navigate(next);
    else history.replaceState({ ...next, text: asked }, '', urlOf(next));
  }
});

ui.more.addEventListener('click', async () => {
  const shownBefore = ui.results.childElementCount;
  const next = withMore(current, shownBefore);
  if (!next) return;
  // The same answer, longer: the URL's k follows, without a history entry per click.
  history.replaceState(next, '', urlOf(next));
  if (!(await show(next))) return;
  // Keyboard and screen-reader users continue at the first new result.
  const firstNew = ui.results.children[shownBefore];
  if (firstNew instanceof HTMLElement) {
    firstNew.tabIndex = -1;
    firstNew.focus();
  }
});

ui.tokenForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const token = ui.tokenInput.value.trim();
  if (!token) {
    ui.tokenError.textContent = 'Enter the access token the server was started with.';
    ui.tokenError.hidden = false;
    ui.tokenInput.focus();
    return;
  }
  keepAccessToken(token);
  ui.tokenInput.value = '';
  ui.tokenNote.hidden = false;
  void show(current);
});

ui.forgetToken.addEventListener('click', () => {
  forgetAccessToken();
  ui.tokenNote.hidden = true;
  setNotice('info', 'The access token is forgotten; the page will ask for it at the next search.');
});

ui.viewSearch.addEventListener('click', (event) => {
  if (!plainClick(event)) return;
  event.preventDefault();
  navigate({ ...(lastIn.search ?? { view: 'search', q: '', mode: currentMode() }), filter: current.filter });
  ui.q.focus();
});

ui.viewPaste.addEventListener('click', (event) => {
  if (!plainClick(event)) return;
  event.preventDefault();
  navigate({ ...(lastIn.paste ?? { view: 'paste', text: '', mode: currentMode() }), filter: current.filter });
  ui.text.focus();
});

/** Cite and "Similar papers" in a list of results (the answer's, or the digest's). */
function onResultClick(event: MouseEvent): void {
  const target = event.target instanceof Element ? event.target : null;
  const citeButton = target?.closest('button.cite');
  if (citeButton instanceof HTMLButtonElement) {
    void cite(citeButton);
    return;
  }
  const link = target?.closest('a.similar');
  if (!(link instanceof HTMLAnchorElement) || !plainClick(event)) return;
  event.preventDefault();
  navigate({
    view: 'similar',
    id: link.dataset.id ?? '',
    ...(link.dataset.title ? { title: link.dataset.title } : {}),
    filter: current.filter,
  });
  window.scrollTo({ top: 0 });
}
ui.results.addEventListener('click', onResultClick);
ui.digest.addEventListener('click', onResultClick);
ui.mapView.addEventListener('click', onResultClick);

/** Whether the search is shown on the map, to keep it there for the next question. */
function onMap(): { map?: true } {
  return current.view === 'search' && current.map ? { map: true } : {};
}

// "List | Map": the same question, shown the other way (from the paste or similar view, the last search).
onMapToggle((map) => {
  const last = current.view === 'search' ? current : lastIn.search;
  const search: SearchState = last?.view === 'search' ? last : { view: 'search', q: '', mode: currentMode(), filter: {} };
  const { map: _, ...asList } = search;
  navigate(map ? { ...asList, filter: current.filter, map: true } : { ...asList, filter: current.filter });
});

// A filter applies when its field is left changed, on Enter, or with "Apply".
ui.filtersForm.addEventListener('change', () => applyFilter(currentFilter()));
ui.filtersForm.addEventListener('submit', (event) => {
  event.preventDefault();
  applyFilter(currentFilter());
});

ui.clearFilters.addEventListener('click', () => {
  applyFilter({});
  // The button hides with the filters it cleared: keep the keyboard in the query box.
  (ui.pasteForm.hidden ? ui.q : ui.text).focus();
});

ui.filtersToggle.addEventListener('click', () => {
  setFiltersOpen(!ui.filters.classList.contains('open'));
});

/** A click that should stay in this page (not a new tab or window). */
function plainClick(event: MouseEvent): boolean {
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
  void show(isState(event.state) ? event.state : stateFromUrl(location.href));
});

// A reload or back/forward from another page keeps history.state (and so a pasted text); a fresh visit reads the URL.
const initial = isState(history.state) ? history.state : stateFromUrl(location.href);
history.replaceState(initial, '', urlOf(initial));
ui.tokenNote.hidden = accessToken() === null;
void show(initial);
