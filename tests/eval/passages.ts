import type { Embedder } from '../../src/model/index.js';
import type { Paper } from '../../src/papers/index.js';
import type { SearchableIndex } from '../../src/search/index.js';
import { splitSentences } from '../../src/text/index.js';

/** Sentences per abstract window, and how far each window moves on. */
const WINDOW = 3;
const STRIDE = 2;

/** A paper's passages: its title, and windows of its abstract's sentences. */
export function passagesOf(paper: Paper): string[] {
  const sentences = splitSentences(paper.abstract);
  const windows: string[] = [];
  for (let start = 0; start === 0 || start + WINDOW - STRIDE < sentences.length; start += STRIDE)
    windows.push(sentences.slice(start, start + WINDOW).join(' '));
  return [paper.title, ...windows.filter((w) => w.length > 0)];
}

/**
 * The index with passage vectors embedded here (not stored by the build): enough to measure passage-level
 * dense matching before paying for it in the index. Reports how many passages and how long they took.
 */
export async function withPassageVectors(index: SearchableIndex, papers: readonly Paper[], embedder: Embedder) {
  const started = performance.now();
  const texts = papers.map(passagesOf);
  const vectors = await embedder.embed(texts.flat());
  const byOrdinal = new Map<number, Float32Array[]>();
  let next = 0;
  papers.forEach((paper, i) => {
    byOrdinal.set(index.ordinalOf(paper.id)!, vectors.slice(next, next + texts[i]!.length));
    next += texts[i]!.length;
  });
  const seconds = (performance.now() - started) / 1000;
  const withPassages: SearchableIndex = Object.assign(Object.create(index) as SearchableIndex, {
    passageVectorsOf: (ordinal: number) => byOrdinal.get(ordinal) ?? [],
  });
  return { index: withPassages, passages: vectors.length, seconds };
}
