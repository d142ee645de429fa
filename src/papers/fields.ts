/**
 * Limits shared by every input format. They exist so a corrupt or hostile input line
 * cannot put a multi-megabyte "title" into the index; real titles and abstracts are far
 * below them.
 */
export const MAX_TITLE_CHARS = 1_000;
export const MAX_ABSTRACT_CHARS = 100_000;

/** Trim and collapse whitespace runs; the text is otherwise kept verbatim. */
export function normaliseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
