import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Deletions } from '../../src/index/deletions.js';
import { LexicalIndex, type LexicalHit } from '../../src/index/lexical/bm25.js';
import { Postings } from '../../src/index/lexical/postings.js';
import type { Paper } from '../../src/papers/types.js';
import { analyze, analyzeTerm, tokenize } from '../../src/text/index.js';

/**
 * The reference the pruned query must equal: every live, allowed paper scored term by term from its
 * own text (BM25+ per field, k 1.2, b 0.7, δ 0.5; idf and average length over live papers; a
 * repeated query term counting per occurrence; times the distinct terms matched), sorted whole.
 * Additions follow the same order (terms in query order, title then abstract), so scores are equal
 * to the last bit and ties are real ties.
 */
function exhaustive(
  papers: readonly Paper[],
  deleted: ReadonlySet<number>,
  query: string,
  limit: number,
  titleBoost: number,
  allow?: (ordinal: number) => boolean,
): LexicalHit[] {
  const [k, b, delta] = [1.2, 0.7, 0.5];
  const live = papers.flatMap((_, ordinal) => (deleted.has(ordinal) ? [] : [ordinal]));
  const fields = papers.map((paper) =>
    [paper.title, paper.abstract].map((text) => {
      const tokens = tokenize(text);
      const counts = new Map<string, number>();
      for (const term of tokens.map(analyzeTerm)) if (term !== null) counts.set(term, (counts.get(term) ?? 0) + 1);
      return { length: new Set(tokens).size, counts };
    }),
  );
  const averages = [0, 1].map((f) => live.reduce((sum, ordinal) => sum + fields[ordinal]![f]!.length, 0) / live.length);
  const occurrences = new Map<string, number>();
  for (const term of analyze(query)) occurrences.set(term, (occurrences.get(term) ?? 0) + 1);
  const terms = [...occurrences.keys()];
  const weights = terms.map((term) =>
    [titleBoost, 1].map((boost, f) => {
      const matching = live.filter((ordinal) => fields[ordinal]![f]!.counts.has(term)).length;
      return occurrences.get(term)! * boost * Math.log(1 + (live.length - matching + 0.5) / (matching + 0.5));
    }),
  );
  const hits: LexicalHit[] = [];
  for (const ordinal of live) {
    if (allow && !allow(ordinal)) continue;
    let score = 0;
    let matched = 0;
    terms.forEach((term, t) => {
      let found = false;
      [0, 1].forEach((f) => {
        const { length, counts } = fields[ordinal]![f]!;
        const frequency = counts.get(term);
        if (frequency === undefined) return;
        found = true;
        score += weights[t]![f]! * (delta + (frequency * (k + 1)) / (frequency + k * (1 - b + (b * length) / averages[f]!)));
      });
      if (found) matched++;
    });
    if (matched > 0) hits.push({ ordinal, score: score * matched, coverage: matched / terms.length });
  }
  return hits.sort((x, y) => y.score - x.score || x.ordinal - y.ordinal).slice(0, limit);
}

// A few words everywhere and a few rare ones, so that lists are long and short, bounds differ, and
// equal scores (ties) are common; stop words and unseen words test what analysis drops.
const common = ['robot', 'policy', 'learning', 'learns', 'task'];
const rare = ['zebra', 'quokka', 'grasp', 'humanoid', 'diffusion', 'video'];
const word = fc.oneof(
  { arbitrary: fc.constantFrom(...common), weight: 20 },
  { arbitrary: fc.constantFrom(...rare), weight: 1 },
  fc.constant('the'),
);
const text = (maxLength: number) => fc.array(word, { maxLength }).map((words) => words.join(' '));
const paper = fc.record({ title: text(6), abstract: text(30) });

const library = fc.array(paper, { minLength: 1, maxLength: 300, size: 'max' }).chain((drafts) => {
  const count = drafts.length;
  return fc.record({
    papers: fc.constant(drafts.map((draft, i): Paper => ({ id: `p${i}`, ...draft }))),
    cuts: fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, count - 1) }), { maxLength: 3 }),
    deleted: fc.uniqueArray(fc.nat({ max: count - 1 }), { maxLength: Math.ceil(count / 3) }),
    merged: fc.boolean(),
    allowed: fc.option(fc.uniqueArray(fc.nat({ max: count - 1 }), { maxLength: count })),
    query: fc.array(fc.oneof(word, fc.constant('unseen')), { minLength: 1, maxLength: 10 }).map((words) => words.join(' ')),
    limit: fc.oneof(fc.constantFrom(0, 1, 2, 5, 10, count), fc.nat({ max: count + 3 })),
    titleBoost: fc.constantFrom(0.7, 0, 1, 4, -0.5),
  });
});

/** The papers in segments cut at `cuts`, read back from their bytes; neighbours merged if `merged`. */
function segmentsOf(papers: readonly Paper[], cuts: readonly number[], deletions: Deletions, merged: boolean): Postings[] {
  const bounds = [0, ...[...cuts].filter((cut) => cut < papers.length).sort((a, b) => a - b), papers.length];
  const segments = bounds
    .slice(1)
    .map((end, s) => Postings.deserialize(Postings.build(papers.slice(bounds[s]!, end), bounds[s]!).serialize()));
  if (!merged || segments.length < 2) return segments;
  return [Postings.merge(segments.slice(0, 2), (ordinal) => deletions.has(ordinal)), ...segments.slice(2)];
}

describe('the pruned BM25 query', () => {
  it('returns exactly what scoring every paper returns: ordinals, scores, coverage, for any k, segments, deletions and filter', () => {
    fc.assert(
      fc.property(library, ({ papers, cuts, deleted, merged, allowed, query, limit, titleBoost }) => {
        const deletions = Deletions.of(papers.length, deleted);
        const index = new LexicalIndex(segmentsOf(papers, cuts, deletions, merged), deletions);
        const allowedSet = allowed === null ? undefined : new Set(allowed);
        const allow = allowedSet && ((ordinal: number) => allowedSet.has(ordinal));
        expect(index.query(query, limit, titleBoost, allow)).toEqual(exhaustive(papers, new Set(deleted), query, limit, titleBoost, allow));
      }),
      { numRuns: 300 },
    );
  });

  it('prunes on a library large enough to have many windows, and still agrees with scoring every paper', () => {
    // fast-check's generator with a fixed seed: the same library on every run.
    const [drafts] = fc.sample(fc.array(paper, { minLength: 20_000, maxLength: 20_000 }), { seed: 7, numRuns: 1 });
    const papers = drafts!.map((draft, i): Paper => ({ id: `p${i}`, ...draft }));
    const deleted = new Set(papers.flatMap((_, ordinal) => (ordinal % 37 === 5 ? [ordinal] : [])));
    const deletions = Deletions.of(papers.length, deleted);
    const index = new LexicalIndex(segmentsOf(papers, [6_000, 13_000], deletions, false), deletions);
    for (const query of [
      'zebra robot policy',
      'quokka quokka grasp humanoid video diffusion learning',
      'task',
      'robot learns policies for tasks',
    ])
      for (const limit of [1, 10, 101, 200])
        expect(index.query(query, limit, 0.7), `${query} (${limit})`).toEqual(exhaustive(papers, deleted, query, limit, 0.7));
  });
});
