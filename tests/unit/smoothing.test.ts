import { describe, expect, it } from 'vitest';
import { type FusedCandidate, smooth } from '../../src/search/fusion.js';

/** Unit vectors in 3 dimensions at an angle (radians) from the x axis, in the x-y plane. */
const at = (angle: number) => Float32Array.of(Math.cos(angle), Math.sin(angle), 0);
const candidate = (ordinal: number, score: number): FusedCandidate => ({ ordinal, dense: 0, lexical: 0, score });

describe('smooth', () => {
  // Papers 0-2 sit close together and all score well; paper 3 scores as well as 0 alone, far from them.
  const vectors = [at(0), at(0.05), at(0.1), at(Math.PI / 2), at(Math.PI / 2 + 0.05)];
  const fused = [candidate(0, 2), candidate(3, 2), candidate(1, 1.8), candidate(2, 1.7), candidate(4, -1)];
  const vectorOf = (ordinal: number) => vectors[ordinal]!;

  it('lifts a paper whose near neighbours also score well above one that scores as well alone', () => {
    const smoothed = smooth(fused, vectorOf, { papers: 5, weight: 0.5, power: 8 });
    const rank = (ordinal: number) => smoothed.findIndex((c) => c.ordinal === ordinal);
    expect(rank(0)).toBeLessThan(rank(3));
    // Paper 3's only near neighbour (4) scored badly: it loses ground to papers 1 and 2 as well.
    expect(rank(3)).toBeGreaterThan(rank(2));
    const scores = smoothed.map((c) => c.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('adds to each paper the mean of the others\u2019 scores weighted by cosine to the power', () => {
    const three = smooth([candidate(0, 2), candidate(1, 1), candidate(2, 0)], vectorOf, { papers: 3, weight: 0.5, power: 2 });
    const w = (a: number, b: number) => Math.cos(a - b) ** 2;
    const expected = (0.5 * (w(0, 0.05) * 1 + w(0, 0.1) * 0)) / (w(0, 0.05) + w(0, 0.1));
    expect(three.find((c) => c.ordinal === 0)!.score).toBeCloseTo(2 + expected, 6);
    const pair = smooth([candidate(0, 2), candidate(1, 1)], vectorOf, { papers: 2, weight: 0.5, power: 1 });
    expect(pair.map((c) => c.score)).toEqual([2 + 0.5 * 1, 1 + 0.5 * 2]);
  });

  it('leaves papers past the first `papers` as they were, and everything as it was at weight 0', () => {
    const smoothed = smooth(fused, vectorOf, { papers: 3, weight: 0.5, power: 8 });
    expect(smoothed.find((c) => c.ordinal === 4)!.score).toBe(-1);
    expect(smoothed.find((c) => c.ordinal === 2)!.score).toBe(1.7);
    expect(smooth(fused, vectorOf, { papers: 5, weight: 0, power: 8 })).toEqual(fused);
  });
});
