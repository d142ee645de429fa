import { describe, expect, it } from 'vitest';
import { DEFAULT_SEARCH } from '../../src/search/index.js';
import { assignFolds, bestInSample, crossValidate, type CvQuery, grid, HYBRID_AXES, reportRows } from '../eval/cross-validate.js';

const query = (collection: string, kind: CvQuery['kind'], corpus = collection): CvQuery => ({
  id: `${collection}-${kind}`,
  kind,
  text: 'a query',
  judgments: new Map(),
  corpus,
  collection,
  engineOf: () => {
    throw new Error('not searched here');
  },
});

describe('cross-validation of the tuned settings', () => {
  it('deals each collection and kind evenly over the folds, the same way every run', () => {
    const queries = [
      ...Array.from({ length: 10 }, () => query('dev', 'question')),
      ...Array.from({ length: 5 }, () => query('MED', 'question')),
    ];
    const folds = assignFolds(queries, 5);
    expect(folds).toEqual(assignFolds(queries, 5));
    for (let fold = 0; fold < 5; fold++) {
      expect(folds.slice(0, 10).filter((f) => f === fold)).toHaveLength(2);
      expect(folds.slice(10).filter((f) => f === fold)).toHaveLength(1);
    }
  });

  it('judges each fold by the configuration best on the other folds, never by its own scores', () => {
    // Configuration 1 wins on fold 0's queries only; configuration 0 wins everywhere else.
    const folds = [0, 0, 1, 1, 2, 2];
    const scores = [Float64Array.from([0.6, 0.6, 0.8, 0.8, 0.8, 0.8]), Float64Array.from([0.9, 0.9, 0.3, 0.3, 0.3, 0.3])];
    const { heldOut, chosen } = crossValidate(scores, folds);
    expect(chosen).toEqual([0, 0, 0]);
    // Fold 0 gets configuration 0's 0.6 although 0.9 was there to be had in sample.
    expect([...heldOut]).toEqual([0.6, 0.6, 0.8, 0.8, 0.8, 0.8]);
    expect(bestInSample(scores)).toBe(0);
  });

  it('builds every combination of the axes once, expansion weight only where papers are expanded towards', () => {
    const configurations = grid(DEFAULT_SEARCH, HYBRID_AXES);
    // 3 × 3 × 3 × (no expansion + 2 papers × 2 weights) × 3 title boosts.
    expect(configurations).toHaveLength(3 * 3 * 3 * 5 * 3);
    expect(new Set(configurations.map((c) => c.name)).size).toBe(configurations.length);
    expect(configurations.some((c) => c.options.fusion.keywordLexicalWeight === 0.75 && c.options.lexical.titleBoost === 1)).toBe(true);
  });

  it('reports corpora, their sets and kinds, and each kind over every collection', () => {
    const queries = [
      query('dev', 'question', 'seeds'),
      query('dev', 'keyword', 'seeds'),
      query('holdout', 'question', 'seeds'),
      query('MED', 'question'),
    ];
    const rows = reportRows(queries).map((row) => `${row.label}: ${row.count}`);
    expect(rows).toEqual([
      'all: 4',
      'seeds: 3',
      'dev: 2',
      'holdout: 1',
      'seeds, questions: 2',
      'seeds, keywords: 1',
      'MED: 1',
      'questions, all collections: 3',
      'keywords, all collections: 1',
    ]);
  });
});
