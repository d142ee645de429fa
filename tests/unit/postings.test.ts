import { describe, expect, it } from 'vitest';
import { LexicalIndex } from '../../src/index/lexical/bm25.js';
import { Postings, PostingsFormatError } from '../../src/index/lexical/postings.js';
import type { Paper } from '../../src/papers/types.js';

/**
 * A corpus small enough to reason about by hand: "robot" is in every paper, "grasp" in two,
 * "zebra" in the title of 0 and the abstract of 1, "quokka" in both fields of 3.
 */
const papers: Paper[] = [
  { id: 'p0', title: 'Zebra robot', abstract: 'A robot learns to grasp objects from demonstrations.' },
  { id: 'p1', title: 'Legged robot locomotion', abstract: 'The robot walks like a zebra on rough terrain.' },
  { id: 'p2', title: 'Grasping with a robot hand', abstract: 'Dexterous robot hands grasp tools.' },
  { id: 'p3', title: 'Quokka robot', abstract: 'A quokka and a robot share one burrow.' },
];
const postings = Postings.build(papers);
const index = new LexicalIndex([postings]);
const average = (lengths: Uint16Array) => lengths.reduce((sum, length) => sum + length, 0) / lengths.length;

/** BM25+ of one term in one field, written out from the formula (k 1.2, b 0.7, delta 0.5). */
function fieldScore(tf: number, fieldLength: number, averageLength: number, matchingPapers: number, boost: number): number {
  const idf = Math.log(1 + (papers.length - matchingPapers + 0.5) / (matchingPapers + 0.5));
  return boost * idf * (0.5 + (tf * 2.2) / (tf + 1.2 * (1 - 0.7 + (0.7 * fieldLength) / averageLength)));
}

describe('Postings', () => {
  it('counts document frequency once per paper, across both fields', () => {
    const df = (term: string) => postings.documentFrequency[postings.termNumber(term)!];
    expect(df('robot')).toBe(4);
    expect(df('grasp')).toBe(2);
    expect(df('zebra')).toBe(2);
    expect(df('quokka')).toBe(1);
    expect(postings.termNumber('the')).toBeUndefined();
    expect(postings.termNumber('unseen')).toBeUndefined();
  });

  it('reads back what it wrote: same terms, same numbers, same answers, same bytes', () => {
    const bytes = postings.serialize();
    const copy = Postings.deserialize(bytes);
    expect(copy.span).toBe(4);
    expect([...copy.documentFrequency]).toEqual([...postings.documentFrequency]);
    for (const term of ['robot', 'grasp', 'zebra', 'quokka']) expect(copy.termNumber(term)).toBe(postings.termNumber(term));
    expect(copy.fields).toEqual(postings.fields);
    expect(copy.serialize()).toEqual(bytes);
    expect(new LexicalIndex([copy]).query('zebra grasping robot', 10, 0.7)).toEqual(index.query('zebra grasping robot', 10, 0.7));
  });

  it('keeps per term the (occurrences, field length) pairs that bound its impacts, through bytes and merges', () => {
    const zebras = Postings.build([
      { id: 'z0', title: 'Zebras', abstract: 'zebra zebra grass grass grass plains' },
      { id: 'z1', title: 'One', abstract: 'zebra' },
      { id: 'z2', title: 'Herds', abstract: 'zebra zebra zebra and many other animals roam the wide open plains' },
      { id: 'z3', title: 'Stripes', abstract: 'zebra zebra stripes' },
    ]);
    const abstractPairs = (segment: Postings) => [...segment.impactFrontier(1, segment.termNumber('zebra')!)];
    // Three occurrences (in 10 distinct tokens); two in only 2 tokens beats two in 3; one in 1 token.
    expect(abstractPairs(zebras)).toEqual([3, 10, 2, 2, 1, 1]);
    expect(abstractPairs(Postings.deserialize(zebras.serialize()))).toEqual([3, 10, 2, 2, 1, 1]);
    // Once z1 and z3 are merged away, their pairs go with them.
    expect(abstractPairs(Postings.merge([zebras], (ordinal) => ordinal === 1 || ordinal === 3))).toEqual([3, 10, 2, 3]);
    expect([...zebras.impactFrontier(0, zebras.termNumber('zebra')!)]).toEqual([1, 1]);
  });

  it('round-trips an empty corpus', () => {
    const empty = Postings.deserialize(Postings.build([]).serialize());
    expect(empty.span).toBe(0);
    expect(new LexicalIndex([empty]).query('robot', 10, 0.7)).toEqual([]);
  });

  it('refuses bytes that are not its format with a PostingsFormatError saying why', () => {
    const bytes = postings.serialize();
    const refusal = (damaged: Uint8Array) => {
      try {
        Postings.deserialize(damaged);
      } catch (error) {
        expect(error).toBeInstanceOf(PostingsFormatError);
        return (error as Error).message;
      }
      throw new Error('damaged bytes were accepted');
    };
    const badMagic = bytes.slice();
    badMagic.set(new TextEncoder().encode('XXXX'));
    expect(refusal(badMagic)).toBe('not a lexical index of format 3 (bad magic)');
    expect(refusal(bytes.subarray(0, 6))).toMatch(/bad magic/);
    expect(refusal(bytes.subarray(0, bytes.length - 2))).toMatch(/\(truncated\)$/);
    expect(refusal(bytes.subarray(0, 40))).toMatch(/\(unreadable header\)$/);
    const trailing = new Uint8Array(bytes.length + 4);
    trailing.set(bytes);
    expect(refusal(trailing)).toMatch(/\(trailing bytes\)$/);
    const otherFormat = new TextEncoder().encode(new TextDecoder().decode(bytes).replace('"format":3', '"format":7'));
    expect(refusal(otherFormat)).toMatch(/header says format 7/);
  });
});

describe('LexicalIndex', () => {
  it('rates rarer terms higher, and unseen terms as rarest', () => {
    expect(index.idf('quokka')).toBeGreaterThan(index.idf('grasp'));
    expect(index.idf('grasp')).toBeGreaterThan(index.idf('robot'));
    expect(index.idf('unseen')).toBeGreaterThan(index.idf('quokka'));
    expect(index.idf('robot')).toBeCloseTo(Math.log(1 + 0.5 / 4.5), 12);
  });

  it('scores a single term exactly by BM25+, a title match weighted by the title boost', () => {
    const { title, abstract } = { title: postings.fields[0]!, abstract: postings.fields[1]! };
    // "Zebra robot": 2 distinct tokens; "The robot walks like a zebra on rough terrain.": 9.
    expect([title.lengths[0], abstract.lengths[1]]).toEqual([2, 9]);
    const hits = index.query('zebra', 10, 2);
    expect(hits.map((hit) => hit.ordinal)).toEqual([0, 1]);
    expect(hits[0]!.score).toBeCloseTo(fieldScore(1, 2, average(title.lengths), 1, 2), 12);
    expect(hits[1]!.score).toBeCloseTo(fieldScore(1, 9, average(abstract.lengths), 1, 1), 12);
    // The title match scales with the boost; the abstract match does not move.
    const lowBoost = index.query('zebra', 10, 0.1);
    expect(lowBoost.map((hit) => hit.ordinal)).toEqual([1, 0]);
    expect(lowBoost.find((hit) => hit.ordinal === 0)!.score).toBeCloseTo(hits[0]!.score / 20, 12);
    expect(lowBoost.find((hit) => hit.ordinal === 1)!.score).toBe(hits[1]!.score);
  });

  it('adds a term found in both fields, but counts it once for coverage and for the matched-terms factor', () => {
    const [hit] = index.query('quokka', 10, 1);
    const { title, abstract } = { title: postings.fields[0]!, abstract: postings.fields[1]! };
    expect(hit!.ordinal).toBe(3);
    expect(hit!.coverage).toBe(1);
    expect(hit!.score).toBeCloseTo(
      fieldScore(1, title.lengths[3]!, average(title.lengths), 1, 1) + fieldScore(1, abstract.lengths[3]!, average(abstract.lengths), 1, 1),
      12,
    );
  });

  it('ranks papers matching more query terms first and reports the share matched', () => {
    const hits = index.query('zebra grasping robots', 10, 0.7);
    expect(hits[0]!.ordinal).toBe(0);
    expect(hits.map((hit) => [hit.ordinal, hit.coverage])).toEqual(
      expect.arrayContaining([
        [0, 1],
        [3, 1 / 3],
      ]),
    );
    expect(hits).toHaveLength(4);
    expect(index.query('zebra grasping robots', 2, 0.7)).toEqual(hits.slice(0, 2));
  });

  it('finds nothing for stop words only, unseen words or an empty query', () => {
    expect(index.query('the of and', 10, 0.7)).toEqual([]);
    expect(index.query('platypus', 10, 0.7)).toEqual([]);
    expect(index.query('', 10, 0.7)).toEqual([]);
  });

  it('leaves no score behind between queries', () => {
    const first = index.query('robot grasp', 10, 0.7);
    index.query('zebra quokka', 10, 0.7);
    expect(index.query('robot grasp', 10, 0.7)).toEqual(first);
  });
});
