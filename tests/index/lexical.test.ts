import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import MiniSearch from 'minisearch';
import { beforeAll, describe, expect, it } from 'vitest';
import { LexicalIndex, Postings } from '../../src/index/lexical/index.js';
import { analyze, analyzeTerm, tokenize } from '../../src/text/index.js';
import { readCorpus, type Paper } from '../../src/papers/index.js';

let papers: Paper[];
let index: LexicalIndex;
const queries = ['tests/eval/seed-dev.json', 'tests/eval/seed-holdout.json'].flatMap((path) => {
  const set = JSON.parse(readFileSync(path, 'utf8')) as { queries: Array<{ text: string }>; offTopic: string[] };
  return [...set.queries.map((q) => q.text), ...set.offTopic];
});

beforeAll(async () => {
  papers = (await readCorpus([resolve('seeds')])).papers;
  index = new LexicalIndex([Postings.deserialize(Postings.build(papers).serialize())]);
});

describe('the compact BM25 index', () => {
  it('scores every paper exactly as MiniSearch does, with the same coverage', () => {
    // MiniSearch is the reference implementation; its maps are what the compact arrays replace.
    const reference = new MiniSearch<{ id: number; title: string; abstract: string }>({
      fields: ['title', 'abstract'],
      tokenize,
      processTerm: analyzeTerm,
    });
    reference.addAll(papers.map((paper, id) => ({ id, title: paper.title, abstract: paper.abstract })));
    let compared = 0;
    for (const query of [...queries, 'robot robot learning', 'the of and']) {
      const expected = reference.search(query, { boost: { title: 0.7 }, combineWith: 'OR' });
      const actual = new Map(index.query(query, papers.length, 0.7).map((hit) => [hit.ordinal, hit]));
      expect(actual.size, query).toBe(expected.length);
      const distinct = new Set(analyze(query)).size;
      for (const hit of expected) {
        const ours = actual.get(hit.id as number)!;
        expect(ours.score, query).toBeCloseTo(hit.score, 9);
        expect(ours.coverage, query).toBe(Object.keys(hit.match).length / distinct);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(5000);
  });

  it('returns the best `limit` hits, best first, ties by ordinal', () => {
    const all = index.query('robot policy learning from demonstrations', papers.length, 0.7);
    const top = index.query('robot policy learning from demonstrations', 7, 0.7);
    expect(top).toEqual(all.slice(0, 7));
    for (let i = 1; i < all.length; i++) {
      const [a, b] = [all[i - 1]!, all[i]!];
      expect(a.score > b.score || (a.score === b.score && a.ordinal < b.ordinal)).toBe(true);
    }
    expect(index.query('the and of', 10, 0.7)).toEqual([]);
    expect(index.query('zzzunseenword', 10, 0.7)).toEqual([]);
  });

  it('reads its bytes at any alignment and refuses truncated or foreign ones in one line', () => {
    const bytes = Postings.build(papers).serialize();
    const shifted = new Uint8Array(bytes.length + 1).subarray(1);
    shifted.set(bytes);
    expect(new LexicalIndex([Postings.deserialize(shifted)]).query('diffusion policy', 5, 0.7)).toEqual(
      index.query('diffusion policy', 5, 0.7),
    );
    expect(() => Postings.deserialize(bytes.subarray(0, bytes.length - 8))).toThrow(/^not a lexical index of format 3 \(truncated\)$/);
    expect(() => Postings.deserialize(new TextEncoder().encode('{"minisearch":{}}'))).toThrow(/bad magic/);
  });

  it('counts papers with a term in either field for idf', () => {
    expect(index.idf('robot')).toBeLessThan(index.idf('humanoid'));
    expect(index.idf('zzzunseenword')).toBeCloseTo(Math.log(1 + (papers.length + 0.5) / 0.5));
  });
});
