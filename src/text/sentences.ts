/**
 * Splits prose into sentences at ., ! or ? followed by whitespace and an upper-case letter, digit or
 * opening bracket — good enough for abstracts, and it keeps "e.g. the" and "w.r.t. to" whole.
 */
export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+(?=[\p{Lu}\p{N}("[])/u)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence.length > 0);
}
