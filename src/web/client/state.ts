import { DEFAULT_MODE, RESULT_COUNT } from '../../contract/values.js';
import { FILTERS, filterFrom, type Filter } from '../filters.js';

/**
 * What the page shows. The URL carries it (`/?q=&mode=&k=&year_min=...`, `/?similar=<id>`, `/?view=paste`,
 * `/?view=map&q=...`: a search shown on the map)
 * so it can be shared and reloaded; history.state carries it whole, including a pasted text too long for a
 * URL, so reload and back/forward bring that back as well. `mode`, `k` and the filters are kept as the URL
 * gave them: the API judges them and says what is wrong.
 */
export type State =
  | { view: 'search'; q: string; mode: string; k?: string; filter: Filter; map?: true }
  | { view: 'paste'; text: string; mode: string; k?: string; filter: Filter }
  | { view: 'similar'; id: string; title?: string; k?: string; filter: Filter };

export type SearchState = Extract<State, { view: 'search' }>;

/** How many more results "Show more" asks for. */
const MORE_STEP = 10;

export function stateFromUrl(href: string): State {
  const params = new URL(href).searchParams;
  const k = params.get('k');
  const count = k === null ? {} : { k };
  const mode = params.get('mode') ?? DEFAULT_MODE;
  const filter = filterFrom((field) => params.get(field));
  const similar = params.get('similar');
  if (similar !== null) return { view: 'similar', id: similar, ...count, filter };
  if (params.get('view') === 'paste') return { view: 'paste', text: '', mode, ...count, filter };
  const map = params.get('view') === 'map' ? { map: true as const } : {};
  return { view: 'search', q: params.get('q') ?? '', mode, ...count, filter, ...map };
}

export function urlOf(state: State): string {
  const params = new URLSearchParams();
  if (state.view === 'similar') params.set('similar', state.id);
  else if (state.view === 'paste') {
    params.set('view', 'paste');
    params.set('mode', state.mode);
  } else {
    if (state.map) params.set('view', 'map');
    if (state.q) {
      params.set('q', state.q);
      params.set('mode', state.mode);
    } else if (state.mode !== DEFAULT_MODE) params.set('mode', state.mode);
  }
  for (const { field } of FILTERS) {
    const value = state.filter[field];
    if (value !== undefined) params.set(field, value);
  }
  if (state.k !== undefined) params.set('k', state.k);
  const search = params.toString();
  return search ? `/?${search}` : '/';
}

/** A state this page put into history (a reload keeps it); anything else is ignored. */
export function isState(value: unknown): value is State {
  if (typeof value !== 'object' || value === null || !('view' in value)) return false;
  const fields = value as Record<string, unknown>;
  if (!isFilter(fields.filter)) return false;
  if (fields.view === 'search') return typeof fields.q === 'string' && typeof fields.mode === 'string';
  if (fields.view === 'paste') return typeof fields.text === 'string' && typeof fields.mode === 'string';
  return fields.view === 'similar' && typeof fields.id === 'string';
}

function isFilter(value: unknown): value is Filter {
  if (typeof value !== 'object' || value === null) return false;
  const known = new Set<string>(FILTERS.map(({ field }) => field));
  return Object.entries(value).every(([field, text]) => known.has(field) && typeof text === 'string');
}

/** The text the state asks about, trimmed: empty means there is nothing to ask the API. */
export function askedText(state: State): string {
  return state.view === 'search' ? state.q.trim() : state.view === 'paste' ? state.text.trim() : state.id;
}

/** The number of results asked for: the URL's k when it is a valid count, else the API's default. */
export function requestedCount(state: State): number {
  const k = Number(state.k);
  return Number.isInteger(k) && k >= RESULT_COUNT.min && k <= RESULT_COUNT.max ? k : RESULT_COUNT.default;
}

/** The same question asking for ten more results, or null when the answer is complete or at the API's maximum. */
export function withMore(state: State, shown: number): State | null {
  const asked = requestedCount(state);
  if (shown < asked || asked >= RESULT_COUNT.max) return null;
  return { ...state, k: String(Math.min(asked + MORE_STEP, RESULT_COUNT.max)) };
}
