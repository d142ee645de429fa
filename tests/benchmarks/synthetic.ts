import { readFileSync, writeFileSync } from 'node:fs';
import { seededRandom } from '../../src/index/map/layout.js';
import type { Paper } from '../../src/papers/index.js';

/** What the benchmarks at scale share: synthetic papers of real sentences, and the process's peak memory. */

/** Papers whose titles and abstracts are sentences sampled from real abstracts. */
export function syntheticPapers(sentences: readonly string[], n: number, prefix: string, seed: number): Paper[] {
  const next = seededRandom(seed);
  const pick = () => sentences[Math.floor(next() * sentences.length)]!;
  return Array.from({ length: n }, (_, i) => {
    const words = pick().split(/\s+/);
    const start = Math.floor(next() * Math.max(1, words.length - 8));
    const abstract = Array.from({ length: 6 + Math.floor(next() * 5) }, pick).join(' ');
    return { id: `${prefix}-${i}`, title: words.slice(start, start + 4 + Math.floor(next() * 6)).join(' '), abstract };
  });
}

/** Peak resident memory of this process since the last reset (Linux). */
export function peakRssMegabytes(): number {
  return Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? NaN) / 1024;
}

export function resetPeakRss(): void {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // Not resettable here: the peak then covers the run so far.
  }
}
