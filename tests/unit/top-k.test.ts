import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TopK, type Scored } from '../../src/index/lexical/top-k.js';

/** The reference: sort everything, best score first, equal scores by lower ordinal, keep `limit`. */
function bruteForce(scores: readonly number[], limit: number): Scored[] {
  return scores
    .map((score, ordinal) => ({ ordinal, score }))
    .sort((a, b) => b.score - a.score || a.ordinal - b.ordinal)
    .slice(0, limit);
}

function topK(scores: readonly number[], offerOrder: readonly number[], limit: number): Scored[] {
  const best = new TopK(limit);
  for (const ordinal of offerOrder) best.offer(ordinal, scores[ordinal]!);
  return best.sorted();
}

// Few distinct integers make ties common; doubles cover everything else (no NaN: scores are sums of finite terms).
const score = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.double({ noNaN: true, noDefaultInfinity: true }));
const poolAndLimit = fc.array(score, { maxLength: 60 }).chain((scores) => {
  const ordinals = scores.map((_, ordinal) => ordinal);
  return fc.record({
    scores: fc.constant(scores),
    offerOrder: fc.shuffledSubarray(ordinals, { minLength: ordinals.length, maxLength: ordinals.length }),
    limit: fc.oneof(fc.constantFrom(0, 1, scores.length), fc.nat({ max: scores.length + 3 })),
  });
});

describe('TopK', () => {
  it('keeps exactly what a full sort keeps, whatever the scores, ties, offer order and limit', () => {
    fc.assert(
      fc.property(poolAndLimit, ({ scores, offerOrder, limit }) => {
        expect(topK(scores, offerOrder, limit)).toEqual(bruteForce(scores, limit));
      }),
      { numRuns: 500 },
    );
  });

  it('names the bar an offer must reach: −∞ while there is room, the worst kept score when full, +∞ at limit 0', () => {
    fc.assert(
      fc.property(poolAndLimit, ({ scores, offerOrder, limit }) => {
        const best = new TopK(limit);
        for (const ordinal of offerOrder) best.offer(ordinal, scores[ordinal]!);
        const kept = bruteForce(scores, limit);
        const expected = limit === 0 ? Number.POSITIVE_INFINITY : kept.length < limit ? Number.NEGATIVE_INFINITY : kept.at(-1)!.score;
        expect(best.threshold()).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('breaks ties by the lower ordinal, whichever was offered first', () => {
    const best = new TopK(2);
    for (const ordinal of [9, 5, 2, 7]) best.offer(ordinal, 1);
    expect(best.sorted()).toEqual([
      { ordinal: 2, score: 1 },
      { ordinal: 5, score: 1 },
    ]);
  });

  it('keeps nothing at limit 0 and everything, sorted, when the limit exceeds the offers', () => {
    const none = new TopK(0);
    none.offer(1, 100);
    expect(none.sorted()).toEqual([]);
    const all = new TopK(10);
    all.offer(3, -1);
    all.offer(1, 2.5);
    all.offer(0, 2.5);
    expect(all.sorted()).toEqual([
      { ordinal: 0, score: 2.5 },
      { ordinal: 1, score: 2.5 },
      { ordinal: 3, score: -1 },
    ]);
  });
});
