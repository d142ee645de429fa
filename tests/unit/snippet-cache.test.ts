import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { Snippets } from '../../src/search/snippet.js';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const WORDS = [
  'robot',
  'policy',
  'gripper',
  'demonstration',
  'diffusion',
  'trajectory',
  'camera',
  'reward',
  'locomotion',
  'transfer',
  'benchmark',
  'grasping',
  'teleoperation',
  'actuator',
  'simulation',
  'controller',
];

/** A pasted full text as an abstract: about 90,000 characters in sentences, distinct for each `seed`. */
function hugeAbstract(seed: number): string {
  const sentences: string[] = [];
  for (let i = 0, length = 0; length < 90_000; i++) {
    const words = Array.from({ length: 14 }, (_, w) => `${WORDS[(i * 5 + w * 3 + seed) % WORDS.length]}${(seed * 31 + i * 7 + w) % 997}`);
    const sentence = `${words.join(' ')}.`;
    sentences.push(sentence[0]!.toUpperCase() + sentence.slice(1));
    length += sentence.length + 1;
  }
  return sentences.join(' ');
}

describe('the snippet cache is bounded in bytes, however long the abstracts', () => {
  it('300 distinct 90,000-character abstracts keep the cache under its budget, in its estimate and on the heap', () => {
    // A budget well below what 300 such abstracts take (about 45 MB of heap), so an unbounded cache shows.
    const budget = 16 * 2 ** 20;
    const snippets = new Snippets(() => 1, budget);
    const query = new Set(['robot', 'gripper']);
    collectGarbage();
    const heapBefore = process.memoryUsage().heapUsed;
    for (let seed = 0; seed < 300; seed++) expect(snippets.best(hugeAbstract(seed), query).text).not.toBe('');
    collectGarbage();
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    console.log(
      `snippet cache: ${(snippets.cachedBytes / 2 ** 20).toFixed(1)} MB estimated, heap grew ${(heapGrowth / 2 ** 20).toFixed(1)} MB, budget ${budget / 2 ** 20} MB`,
    );

    expect(snippets.cachedBytes).toBeLessThanOrEqual(budget);
    // The estimate is what the budget counts, so it must not undercount what the heap really keeps.
    expect(heapGrowth).toBeLessThan(budget * 1.25);
  });
});
