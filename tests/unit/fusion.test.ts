import { describe, expect, it } from 'vitest';
import { DEFAULT_FUSION, fuse, interpolateByLength, lexicalWeight, type Candidate, type FusionOptions } from '../../src/search/fusion.js';

const candidates: Candidate[] = [
  { ordinal: 0, dense: 0.9, lexical: 0 },
  { ordinal: 1, dense: 0.5, lexical: 12 },
  { ordinal: 2, dense: 0.7, lexical: 3 },
];
const ordinals = (fused: ReturnType<typeof fuse>) => fused.map((c) => c.ordinal);

describe('fuse', () => {
  it('ranks by dense alone at weight 0 and by lexical alone at weight 1', () => {
    expect(ordinals(fuse(candidates, 0))).toEqual([0, 2, 1]);
    expect(ordinals(fuse(candidates, 1))).toEqual([1, 2, 0]);
  });

  it('scores each paper by the weighted sum of its z-scores over the pool', () => {
    // dense 0.9, 0.5, 0.7: mean 0.7, population deviation sqrt(0.08 / 3).
    const denseDeviation = Math.sqrt(0.08 / 3);
    // lexical 0, 12, 3: mean 5, population deviation sqrt(78 / 3).
    const lexicalDeviation = Math.sqrt(78 / 3);
    const byOrdinal = new Map(fuse(candidates, 0.25).map((c) => [c.ordinal, c.score]));
    expect(byOrdinal.get(0)).toBeCloseTo(0.75 * (0.2 / denseDeviation) + 0.25 * (-5 / lexicalDeviation), 12);
    expect(byOrdinal.get(1)).toBeCloseTo(0.75 * (-0.2 / denseDeviation) + 0.25 * (7 / lexicalDeviation), 12);
    expect(byOrdinal.get(2)).toBeCloseTo(0.25 * (-2 / lexicalDeviation), 12);
  });

  it('keeps the size of a lead: one far lexical outlier beats a small dense edge', () => {
    const pool: Candidate[] = [
      { ordinal: 0, dense: 0.62, lexical: 0 },
      { ordinal: 1, dense: 0.6, lexical: 40 },
      { ordinal: 2, dense: 0.61, lexical: 0 },
      { ordinal: 3, dense: 0.2, lexical: 0 },
    ];
    expect(fuse(pool, 0)[0]!.ordinal).toBe(0);
    expect(fuse(pool, 0.25)[0]!.ordinal).toBe(1);
  });

  it('lets a signal with no spread contribute nothing, so the other signal alone orders the pool', () => {
    const flatLexical = candidates.map((c) => ({ ...c, lexical: 4 }));
    const fused = fuse(flatLexical, 0.9);
    expect(ordinals(fused)).toEqual([0, 2, 1]);
    const denseOnly = fuse(flatLexical, 0);
    for (const c of fused) expect(c.score).toBeCloseTo(0.1 * denseOnly.find((d) => d.ordinal === c.ordinal)!.score, 12);
    // Neither signal spreads: every score is 0, never NaN from a division by a zero deviation.
    expect(fuse([{ ordinal: 7, dense: 0.3, lexical: 2 }], 0.5)).toEqual([{ ordinal: 7, dense: 0.3, lexical: 2, score: 0 }]);
  });

  it("keeps each candidate's fields and returns an empty pool as empty", () => {
    expect(
      fuse(candidates, 0.5)
        .map(({ score: _score, ...rest }) => rest)
        .sort((a, b) => a.ordinal - b.ordinal),
    ).toEqual(candidates);
    expect(fuse([], 0.5)).toEqual([]);
  });
});

describe('lexicalWeight', () => {
  it('gives a keyword lookup (up to keywordTerms terms) the keyword weight', () => {
    for (const terms of [0, 1, 2, 3]) expect(lexicalWeight(terms, DEFAULT_FUSION)).toBe(DEFAULT_FUSION.keywordLexicalWeight);
  });

  it('gives the shortest question the question weight and a passage the passage weight', () => {
    expect(lexicalWeight(DEFAULT_FUSION.keywordTerms + 1, DEFAULT_FUSION)).toBe(DEFAULT_FUSION.questionLexicalWeight);
    expect(lexicalWeight(DEFAULT_FUSION.passageTerms, DEFAULT_FUSION)).toBe(DEFAULT_FUSION.passageLexicalWeight);
    expect(lexicalWeight(10_000, DEFAULT_FUSION)).toBe(DEFAULT_FUSION.passageLexicalWeight);
  });

  it('falls strictly between question and passage lengths', () => {
    let previous = lexicalWeight(DEFAULT_FUSION.keywordTerms + 1, DEFAULT_FUSION);
    for (let terms = DEFAULT_FUSION.keywordTerms + 2; terms < DEFAULT_FUSION.passageTerms; terms++) {
      const weight = lexicalWeight(terms, DEFAULT_FUSION);
      expect(weight, `${terms} terms`).toBeLessThan(previous);
      expect(weight).toBeGreaterThan(DEFAULT_FUSION.passageLexicalWeight);
      previous = weight;
    }
  });
});

describe('interpolateByLength', () => {
  // Questions start at 2 terms and passages at 32, so 8 terms is halfway on a log scale.
  const lengths: FusionOptions = { ...DEFAULT_FUSION, keywordTerms: 1, passageTerms: 32 };

  it('returns the question value up to the shortest question and the passage value from passage length on', () => {
    expect(interpolateByLength(0, 10, 20, lengths)).toBe(10);
    expect(interpolateByLength(2, 10, 20, lengths)).toBe(10);
    expect(interpolateByLength(32, 10, 20, lengths)).toBe(20);
    expect(interpolateByLength(500, 10, 20, lengths)).toBe(20);
  });

  it('interpolates on a log scale of the term count', () => {
    expect(interpolateByLength(8, 10, 20, lengths)).toBeCloseTo(15, 12);
    expect(interpolateByLength(4, 10, 20, lengths)).toBeCloseTo(12.5, 12);
    expect(interpolateByLength(16, 10, 20, lengths)).toBeCloseTo(17.5, 12);
  });

  it('is monotonic in either direction between the two lengths', () => {
    for (let terms = 3; terms <= 32; terms++) {
      expect(interpolateByLength(terms, 10, 20, lengths)).toBeGreaterThan(interpolateByLength(terms - 1, 10, 20, lengths));
      expect(interpolateByLength(terms, 20, 10, lengths)).toBeLessThan(interpolateByLength(terms - 1, 20, 10, lengths));
    }
  });
});
