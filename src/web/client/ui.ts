/** The page's elements, rendered by src/web/page.tsx: their ids are the contract between the two. */

function element<T extends HTMLElement>(id: string, type: { new (): T; prototype: T }): T {
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
  results: element('results', HTMLOListElement),
  more: element('more', HTMLButtonElement),
};

export function modeRadios(): HTMLInputElement[] {
  return [...ui.modes.querySelectorAll<HTMLInputElement>('input[name="mode"]')];
}
