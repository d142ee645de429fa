import type { Paper } from '../../src/papers/index.js';

/** A deterministic random number generator (mulberry32), so every run measures the same library. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Papers whose titles and abstracts are sentences sampled from real abstracts. */
export function syntheticPapers(sentences: readonly string[], n: number, prefix: string, seed: number): Paper[] {
  const next = random(seed);
  const pick = () => sentences[Math.floor(next() * sentences.length)]!;
  return Array.from({ length: n }, (_, i) => {
    const words = pick().split(/\s+/);
    const start = Math.floor(next() * Math.max(1, words.length - 8));
    const abstract = Array.from({ length: 6 + Math.floor(next() * 5) }, pick).join(' ');
    return { id: `${prefix}-${i}`, title: words.slice(start, start + 4 + Math.floor(next() * 6)).join(' '), abstract };
  });
}
