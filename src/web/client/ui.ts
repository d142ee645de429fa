/** The page's elements, rendered by src/web/page.tsx: their ids are the contract between the two. */
import { FILTERS, type FilterField } from '../filters.js';

export function element<T extends HTMLElement>(id: string, type: { new (): T; prototype: T }): T {
  const found = document.getElementById(id);
  if (!(found instanceof type)) throw new Error(`the page has no ${type.name} #${id}; page.tsx and the script disagree`);
  return found;
}

export const ui = {
  searchForm: element('search-form', HTMLFormElement),
  pasteForm: element('paste-form', HTMLFormElement),
  q: element('q', HTMLInputElement),
  text: element('text', HTMLTextAreaElement),
  viewSearch: element('view-search', HTMLAnchorElement),
  viewPaste: element('view-paste', HTMLAnchorElement),
  modes: element('modes', HTMLFieldSetElement),
  modeNote: element('mode-note', HTMLElement),
  filters: element('filters', HTMLElement),
  filtersToggle: element('filters-toggle', HTMLButtonElement),
  filtersCount: element('filters-count', HTMLElement),
  filtersForm: element('filters-form', HTMLFormElement),
  filtersNote: element('filters-note', HTMLElement),
  filtersSummary: element('filters-summary', HTMLElement),
  clearFilters: element('clear-filters', HTMLButtonElement),
  answer: element('answer', HTMLElement),
  context: element('context', HTMLElement),
  status: element('status', HTMLElement),
  notice: element('notice', HTMLElement),
  tokenForm: element('token-form', HTMLFormElement),
  tokenInput: element('token', HTMLInputElement),
  tokenError: element('token-error', HTMLElement),
  tokenNote: element('token-note', HTMLElement),
  forgetToken: element('forget-token', HTMLButtonElement),
  intro: element('intro', HTMLElement),
  digest: element('digest', HTMLElement),
  results: element('results', HTMLOListElement),
  mapView: element('map-view', HTMLElement),
  more: element('more', HTMLButtonElement),
  citeDialog: element('cite-dialog', HTMLDialogElement),
  citeText: element('cite-text', HTMLTextAreaElement),
  citeClose: element('cite-close', HTMLButtonElement),
};

/** The filter inputs, by the API parameter each one sets. */
export const filterInputs = Object.fromEntries(FILTERS.map(({ field }) => [field, element(`filter-${field}`, HTMLInputElement)])) as Record<
  FilterField,
  HTMLInputElement
>;

export function modeRadios(): HTMLInputElement[] {
  return [...ui.modes.querySelectorAll<HTMLInputElement>('input[name="mode"]')];
}
