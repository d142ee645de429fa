const SENTENCE_BREAK = /(?<=[.!?])\s+(?=[\p{Lu}\p{N}("[])/gu;

/** Where a sentence stands in its text: `text.slice(start, end)` is the sentence, trimmed. */
export interface SentenceSpan {
  start: number;
  end: number;
}

/**
 * Splits prose into sentences at ., ! or ? followed by whitespace and an upper-case letter, digit or
 * opening bracket — good enough for abstracts, and it keeps "e.g. the" and "w.r.t. to" whole.
 */
export function splitSentences(text: string): string[] {
  return sentenceSpans(text).map(({ start, end }) => text.slice(start, end));
}

/** The sentences of `splitSentences` as character ranges of the text, so a front end can mark them in place. */
export function sentenceSpans(text: string): SentenceSpan[] {
  const spans: SentenceSpan[] = [];
  let from = 0;
  const add = (start: number, end: number) => {
    while (start < end && /\s/u.test(text[start]!)) start++;
    while (end > start && /\s/u.test(text[end - 1]!)) end--;
    if (end > start) spans.push({ start, end });
  };
  for (const match of text.matchAll(SENTENCE_BREAK)) {
    add(from, match.index);
    from = match.index + match[0].length;
  }
  add(from, text.length);
  return spans;
}
