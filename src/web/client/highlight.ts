/**
 * Highlighting is display only, and the API decides what matched: each result's `explain` gives the
 * character ranges of the query's terms in its title and abstract, as the engine's analyzer found them
 * (stems mapped back to the words as written). The page marks exactly those ranges; it has no matching
 * of its own.
 */

/** A range of a text (UTF-16 offsets, end exclusive), as `explain` gives them. */
export interface TextRange {
  start: number;
  end: number;
}

/** The text with each of `ranges` in a <mark>; ranges out of the text or overlapping an earlier one are skipped. */
export function highlighted(text: string, ranges: readonly TextRange[]): DocumentFragment {
  const fragment = document.createDocumentFragment();
  let done = 0;
  for (const { start, end } of [...ranges].sort((a, b) => a.start - b.start)) {
    if (start < done || end > text.length || end <= start) continue;
    if (start > done) fragment.append(text.slice(done, start));
    const mark = document.createElement('mark');
    mark.textContent = text.slice(start, end);
    fragment.append(mark);
    done = end;
  }
  if (done < text.length) fragment.append(text.slice(done));
  return fragment;
}

/**
 * The abstract's ranges that fall in its snippet, as ranges of the snippet: it starts at `snippetStart`
 * in the abstract and is a slice of it up to a trailing " …", so a range carries over when the snippet
 * has the same characters there.
 */
export function snippetRanges(abstract: string, snippet: string, snippetStart: number, ranges: readonly TextRange[]): TextRange[] {
  return ranges
    .map(({ start, end }) => ({ start: start - snippetStart, end: end - snippetStart, word: abstract.slice(start, end) }))
    .filter(({ start, end, word }) => start >= 0 && snippet.slice(start, end) === word)
    .map(({ start, end }) => ({ start, end }));
}
