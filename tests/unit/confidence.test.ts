import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIDENCE, isConfident, type Evidence } from '../../src/search/confidence.js';
import { DEFAULT_FUSION } from '../../src/search/fusion.js';

const confident = (evidence: Evidence) => isConfident(evidence, DEFAULT_CONFIDENCE, DEFAULT_FUSION);
const { questionSimilarity, passageSimilarity } = DEFAULT_CONFIDENCE;

describe('isConfident', () => {
  it('needs the question similarity for a lookup or a short question, inclusive', () => {
    for (const termCount of [1, 3, DEFAULT_FUSION.keywordTerms + 1]) {
      expect(confident({ termCount, similarity: questionSimilarity })).toBe(true);
      expect(confident({ termCount, similarity: questionSimilarity - 0.001 })).toBe(false);
    }
  });

  it('needs the higher passage similarity for a pasted passage', () => {
    for (const termCount of [DEFAULT_FUSION.passageTerms, 400]) {
      expect(confident({ termCount, similarity: passageSimilarity })).toBe(true);
      expect(confident({ termCount, similarity: passageSimilarity - 0.001 })).toBe(false);
    }
  });

  it('raises the bar with length in between: a similarity enough for 12 terms is not enough for 30', () => {
    // 12 terms is about halfway (log scale) from 4 to 40 terms, so the bar is about 0.49.
    expect(confident({ termCount: 12, similarity: 0.5 })).toBe(true);
    expect(confident({ termCount: 12, similarity: 0.48 })).toBe(false);
    expect(confident({ termCount: 30, similarity: 0.5 })).toBe(false);
  });

  it('trusts one paper that holds every query term, however far the embeddings are', () => {
    expect(confident({ termCount: 2, similarity: 0.05, coverage: 1 })).toBe(true);
    expect(confident({ termCount: 60, coverage: 1 })).toBe(true);
    expect(confident({ termCount: 2, similarity: 0.05, coverage: 0.99 })).toBe(false);
  });

  it('is low with no evidence: no dense run and no lexical run', () => {
    expect(confident({ termCount: 3 })).toBe(false);
    expect(confident({ termCount: 0 })).toBe(false);
    expect(confident({ termCount: 3, coverage: 0 })).toBe(false);
  });
});
