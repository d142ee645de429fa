import { describe, expect, it } from 'vitest';
import { averagePrecision, evaluateRanking, ndcgAt, recallAt, reciprocalRank, summarize } from './metrics.js';

const judged = (entries: Record<string, number>) => new Map(Object.entries(entries));
const graded = judged({ a: 3, b: 2, c: 1, z: 0 });

describe('ndcgAt', () => {
  it('is 1 for the ideal ranking', () => {
    expect(ndcgAt(['a', 'b', 'c'], graded, 10)).toBeCloseTo(1, 10);
  });

  it('scores a reversed ranking with graded gains 2^g - 1 and log2 discounts', () => {
    const dcg = 1 / 1 + 3 / Math.log2(3) + 7 / 2;
    const idcg = 7 / 1 + 3 / Math.log2(3) + 1 / 2;
    expect(ndcgAt(['c', 'b', 'a'], graded, 10)).toBeCloseTo(dcg / idcg, 10);
    expect(ndcgAt(['c', 'b', 'a'], graded, 10)).toBeCloseTo(0.680607, 5);
  });

  it('discounts a single grade-3 doc at rank 2 by 1/log2(3)', () => {
    expect(ndcgAt(['x', 'a'], judged({ a: 3 }), 10)).toBeCloseTo(1 / Math.log2(3), 10);
  });

  it('builds the ideal from all judged docs, retrieved or not', () => {
    expect(ndcgAt(['a'], judged({ a: 1, b: 1 }), 10)).toBeCloseTo(1 / (1 + 1 / Math.log2(3)), 10);
  });

  it('ignores docs below rank k and truncates the ideal at k', () => {
    const ranking = [...Array.from({ length: 10 }, (_, i) => `x${i}`), 'a'];
    expect(ndcgAt(ranking, judged({ a: 3 }), 10)).toBe(0);
    const many = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`r${i}`, 1]));
    expect(ndcgAt(Object.keys(many), judged(many), 10)).toBeCloseTo(1, 10);
  });

  it('is 0 when nothing is relevant', () => {
    expect(ndcgAt(['a', 'b'], new Map(), 10)).toBe(0);
    expect(ndcgAt(['z'], judged({ z: 0 }), 10)).toBe(0);
  });

  it('does not reward duplicate ids', () => {
    expect(ndcgAt(['a', 'a', 'a'], judged({ a: 3, b: 3 }), 10)).toBeCloseTo(1 / (1 + 1 / Math.log2(3)), 10);
  });
});

describe('averagePrecision', () => {
  it('is 1 when all relevant docs come first, whatever their grades', () => {
    expect(averagePrecision(['c', 'b', 'a', 'x'], graded)).toBe(1);
  });

  it('averages precision at each relevant rank', () => {
    expect(averagePrecision(['x', 'a', 'y', 'b'], judged({ a: 1, b: 1 }))).toBeCloseTo((1 / 2 + 2 / 4) / 2, 10);
  });

  it('divides by all relevant docs, including ones never retrieved', () => {
    const judgments = judged({ a: 1, b: 1, c: 1, d: 1 });
    expect(averagePrecision(['a', 'x', 'b'], judgments)).toBeCloseTo((1 + 2 / 3) / 4, 10);
  });

  it('treats grade 0 as not relevant and is 0 with no relevant docs', () => {
    expect(averagePrecision(['z', 'a'], judged({ z: 0, a: 1 }))).toBeCloseTo(1 / 2, 10);
    expect(averagePrecision(['z'], judged({ z: 0 }))).toBe(0);
  });
});

describe('recallAt', () => {
  it('counts relevant docs in the top k over all relevant docs', () => {
    expect(recallAt(['a', 'x', 'b'], judged({ a: 1, b: 2, c: 3, d: 1 }), 2)).toBe(1 / 4);
    expect(recallAt(['a', 'x', 'b'], judged({ a: 1, b: 2, c: 3, d: 1 }), 10)).toBe(2 / 4);
  });

  it('does not count a duplicate twice and is 0 with no relevant docs', () => {
    expect(recallAt(['a', 'a'], judged({ a: 1, b: 1 }), 10)).toBe(1 / 2);
    expect(recallAt(['a'], new Map(), 10)).toBe(0);
  });
});

describe('reciprocalRank', () => {
  it('is 1 / rank of the first relevant doc, or 0', () => {
    expect(reciprocalRank(['a'], graded)).toBe(1);
    expect(reciprocalRank(['x', 'z', 'c'], graded)).toBe(1 / 3);
    expect(reciprocalRank(['x', 'z'], graded)).toBe(0);
    expect(reciprocalRank([], graded)).toBe(0);
  });
});

describe('evaluateRanking and summarize', () => {
  it('returns all four metrics for one query', () => {
    expect(evaluateRanking(['x', 'a'], judged({ a: 1 }))).toEqual({
      'ndcg@10': expect.closeTo(1 / Math.log2(3), 10),
      map: 0.5,
      'recall@10': 1,
      mrr: 0.5,
    });
  });

  it('averages each metric over queries, and is all zeros for no queries', () => {
    const perfect = evaluateRanking(['a'], judged({ a: 1 }));
    const miss = evaluateRanking(['x'], judged({ a: 1 }));
    expect(summarize([perfect, miss])).toEqual({ 'ndcg@10': 0.5, map: 0.5, 'recall@10': 0.5, mrr: 0.5 });
    expect(summarize([])).toEqual({ 'ndcg@10': 0, map: 0, 'recall@10': 0, mrr: 0 });
  });
});
