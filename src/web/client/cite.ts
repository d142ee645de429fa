/**
 * A result's "Cite": its BibTeX entry from the API (`/api/papers/:id?format=bibtex`) onto the clipboard,
 * confirmed with "Copied" beside the button. Where the page may not write to the clipboard (no
 * Clipboard API outside a secure context, or the browser refuses), the entry is shown selected in a
 * dialog, to copy by hand.
 */
import * as api from './api.js';
import { ui } from './ui.js';

/** How long "Copied" stays beside the button. */
const CONFIRMATION_MS = 4000;

const clearTimers = new WeakMap<HTMLElement, number>();
/** Buttons whose entry is being fetched: a second press waits for the first (not disabled, so focus stays on it). */
const fetching = new WeakSet<HTMLButtonElement>();
/** The button whose entry the dialog shows, to give focus back to when it closes. */
let citedFrom: HTMLButtonElement | null = null;

export async function cite(button: HTMLButtonElement): Promise<void> {
  const status = button.parentElement?.querySelector<HTMLElement>('.cite-status');
  if (!status || fetching.has(button)) return;
  fetching.add(button);
  say(status, 'Getting the BibTeX entry…', 'pending');
  try {
    const entry = await api.bibtex(button.dataset.id ?? '', new AbortController().signal);
    if (await copyToClipboard(entry)) {
      say(status, 'Copied', 'copied');
      clearTimers.set(
        status,
        window.setTimeout(() => say(status, '', null), CONFIRMATION_MS),
      );
    } else {
      say(status, '', null);
      showEntry(entry, button);
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    say(status, `Could not get the citation: ${reason}`, 'failed');
  } finally {
    fetching.delete(button);
  }
}

function say(status: HTMLElement, text: string, kind: 'pending' | 'copied' | 'failed' | null): void {
  window.clearTimeout(clearTimers.get(status));
  status.textContent = text;
  status.className = kind ? `cite-status ${kind}` : 'cite-status';
}

async function copyToClipboard(text: string): Promise<boolean> {
  // Undefined outside a secure context, whatever the types say.
  if (!navigator.clipboard?.writeText) return false;
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

function showEntry(entry: string, button: HTMLButtonElement): void {
  citedFrom = button;
  ui.citeText.value = entry;
  ui.citeDialog.showModal();
  ui.citeText.focus();
  ui.citeText.select();
}

ui.citeClose.addEventListener('click', () => ui.citeDialog.close());
ui.citeDialog.addEventListener('close', () => {
  citedFrom?.focus();
  citedFrom = null;
});
