import { describe, expect, it } from 'vitest';
import { type Calibration, summarize } from '../../src/index/index.js';
import { DEFAULT_CONFIDENCE, isConfident, placeBar, similarityBar, termShare } from '../../src/search/confidence.js';
import { DEFAULT_FUSION } from '../../src/search/fusion.js';

const { questionSimilarity, passageSimilarity } = DEFAULT_CONFIDENCE;
const fixedBar = (termCount: number) => similarityBar(termCount, undefined, DEFAULT_CONFIDENCE, DEFAULT_FUSION);

describe('isConfident', () => {
  it('is high from the bar up, inclusive', () => {
    expect(isConfident({ termCount: 5, similarity: 0.4 }, 0.4)).toBe(true);
    expect(isConfident({ termCount: 5, similarity: 0.399 }, 0.4)).toBe(false);
  });

  it('trusts one paper that holds every query term, however far the embeddings are', () => {
    expect(isConfident({ termCount: 2, similarity: 0.05, coverage: 1 }, 0.4)).toBe(true);
    expect(isConfident({ termCount: 60, coverage: 1 }, 0.6)).toBe(true);
    expect(isConfident({ termCount: 2, similarity: 0.05, coverage: 0.99 }, 0.4)).toBe(false);
  });

  it('is low with no evidence: no dense run and no lexical run', () => {
    expect(isConfident({ termCount: 3 }, 0.4)).toBe(false);
    expect(isConfident({ termCount: 3, coverage: 0 }, -0.5)).toBe(false);
  });
});

describe('the fixed bars of an index without a calibration', () => {
  it('asks the question similarity of a lookup or a short question', () => {
    for (const termCount of [1, 3, DEFAULT_FUSION.keywordTerms + 1]) expect(fixedBar(termCount)).toBe(questionSimilarity);
  });

  it('asks the higher passage similarity of a pasted passage', () => {
    for (const termCount of [DEFAULT_FUSION.passageTerms, 400]) expect(fixedBar(termCount)).toBe(passageSimilarity);
  });

  it('raises the bar with length in between: 12 terms is about halfway (log scale) from 4 to 40', () => {
    expect(fixedBar(12)).toBeGreaterThan(0.48);
    expect(fixedBar(12)).toBeLessThan(0.5);
    expect(fixedBar(30)).toBeGreaterThan(0.5);
  });
});

describe('placeBar: between what the probes and the library reach', () => {
  const probes = summarize([0.1, 0.2, 0.3]); // mean 0.2, deviation ≈ 0.0816
  const library = summarize([0.6, 0.7, 0.8]); // median 0.7

  it('sits the given number of standard deviations above the probes', () => {
    expect(placeBar({ probes, library }, 3)).toBeCloseTo(0.2 + 3 * Math.sqrt(2 / 300), 10);
    expect(placeBar({ probes, library }, 0)).toBeCloseTo(0.2, 10);
  });

  it('never above the median of the library, so half its own text stays confident', () => {
    expect(placeBar({ probes, library }, 10)).toBeCloseTo(0.7, 10);
  });

  it('uses the probes alone when the library gave no text of this length', () => {
    expect(placeBar({ probes, library: summarize([]) }, 10)).toBeCloseTo(0.2 + 10 * Math.sqrt(2 / 300), 10);
  });

  it('follows the library: the same deviations give a higher bar where probes come closer', () => {
    const crowded = summarize([0.3, 0.4, 0.5]);
    expect(placeBar({ probes: crowded, library }, 2)).toBeGreaterThan(placeBar({ probes, library }, 2));
  });
});

describe('similarityBar with a calibration', () => {
  const band = (name: 'lookup' | 'question' | 'passage', fromTerms: number, toTerms: number, probeMean: number) => ({
    name,
    fromTerms,
    toTerms,
    probes: { count: 100, mean: probeMean, deviation: 0.05, median: probeMean },
    library: { count: 40, mean: 0.8, deviation: 0.1, median: 0.8 },
  });
  const calibration: Calibration = {
    version: 1,
    bands: [band('lookup', 1, 3, 0.1), band('question', 4, 39, 0.15), band('passage', 40, Number.MAX_SAFE_INTEGER, 0.2)],
  };
  const { probeDeviations } = DEFAULT_CONFIDENCE;

  it("picks the query's band by its length and that band's deviations", () => {
    expect(similarityBar(2, calibration, DEFAULT_CONFIDENCE, DEFAULT_FUSION)).toBeCloseTo(0.1 + probeDeviations.lookup * 0.05, 10);
    expect(similarityBar(4, calibration, DEFAULT_CONFIDENCE, DEFAULT_FUSION)).toBeCloseTo(0.15 + probeDeviations.question * 0.05, 10);
    expect(similarityBar(400, calibration, DEFAULT_CONFIDENCE, DEFAULT_FUSION)).toBeCloseTo(0.2 + probeDeviations.passage * 0.05, 10);
  });

  it('comes down by the term deviations in proportion to the query term weight the best paper holds', () => {
    const { termDeviations } = DEFAULT_CONFIDENCE;
    const bar = (share: number) => similarityBar(5, calibration, DEFAULT_CONFIDENCE, DEFAULT_FUSION, share);
    expect(bar(1)).toBeCloseTo(0.15 + (probeDeviations.question - termDeviations) * 0.05, 10);
    expect(bar(0.5)).toBeCloseTo(0.15 + (probeDeviations.question - termDeviations / 2) * 0.05, 10);
    expect(bar(0)).toBeGreaterThan(bar(0.5));
  });

  it('falls back to the fixed bars for a length no band measured (an empty query)', () => {
    expect(similarityBar(0, calibration, DEFAULT_CONFIDENCE, DEFAULT_FUSION)).toBe(questionSimilarity);
  });
});

describe('termShare: how much of the query the best paper says in its own words', () => {
  const idf = (term: string) => ({ rlhf: 3, altern: 2, model: 0.5 })[term] ?? 4;

  it('is 1 for a paper with every term and 0 for one with none', () => {
    expect(termShare(['rlhf', 'model'], new Set(['rlhf', 'model', 'prefer']), idf)).toBe(1);
    expect(termShare(['rlhf', 'model'], new Set(['robot']), idf)).toBe(0);
  });

  it('weighs terms by idf and counts each once: the rare term matters, the common one barely', () => {
    expect(termShare(['rlhf', 'model', 'model'], new Set(['rlhf']), idf)).toBeCloseTo(3 / 3.5, 10);
    expect(termShare(['rlhf', 'model'], new Set(['model']), idf)).toBeCloseTo(0.5 / 3.5, 10);
  });

  it('counts a term no paper has as rare, so a query about something absent keeps a low share', () => {
    expect(termShare(['yolov8', 'model'], new Set(['model']), idf)).toBeCloseTo(0.5 / 4.5, 10);
  });

  it('is 0 for a query without terms', () => {
    expect(termShare([], new Set(['model']), idf)).toBe(0);
  });
});
