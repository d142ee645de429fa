import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LexicalIndex, Postings } from '../../src/index/lexical/index.js';
import { readCorpus, type Paper } from '../../src/papers/index.js';
import { PRODUCT_BM25, referenceLexical } from './lexical-variants.js';

let papers: Paper[];
const queries = ['tests/eval/seed-dev.json', 'tests/eval/seed-holdout.json'].flatMap((path) => {
  const set = JSON.parse(readFileSync(path, 'utf8')) as { queries: Array<{ text: string }> };
  return set.queries.map((q) => q.text);
});

beforeAll(async () => {
  papers = (await readCorpus([resolve('seeds')])).papers;
});

const library = () => ({ liveOrdinals: () => Uint32Array.from(papers.keys()), paper: (ordinal: number) => papers[ordinal]! });

describe("the eval's BM25 variants", () => {
  it("at the product's settings, rank and score every labelled query as the product's index does", () => {
    const product = new LexicalIndex([Postings.deserialize(Postings.build(papers).serialize())]);
    const reference = referenceLexical(library(), PRODUCT_BM25);
    for (const query of queries) {
      const expected = product.query(query, 100, 0.7);
      const actual = reference.query(query, 100, 0.7);
      expect(
        actual.map((hit) => hit.ordinal),
        query,
      ).toEqual(expected.map((hit) => hit.ordinal));
      for (const [i, hit] of actual.entries()) expect(hit.score, query).toBeCloseTo(expected[i]!.score, 6);
    }
  });

  it('rank otherwise when a setting changes, and without the matched-terms factor score a paper that much lower', () => {
    const product = referenceLexical(library(), PRODUCT_BM25);
    const mixed = referenceLexical(library(), { ...PRODUCT_BM25, fields: 'mixed' });
    const ranking = (retriever: typeof product) => retriever.query(queries[0]!, 20, 0.7).map((hit) => hit.ordinal);
    expect(ranking(mixed)).not.toEqual(ranking(product));
    const unmatched = referenceLexical(library(), { ...PRODUCT_BM25, matchedFactor: 'none' });
    const [top] = product.query('robot manipulation', 1, 0.7);
    const same = unmatched.query('robot manipulation', papers.length, 0.7).find((hit) => hit.ordinal === top!.ordinal)!;
    expect(top!.score).toBeCloseTo(same.score * top!.coverage * 2, 9);
  });
});
