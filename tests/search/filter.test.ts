import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_HNSW, loadIndex, writeIndex, type PaperIndex } from '../../src/index/index.js';
import { Embedder, normalize } from '../../src/model/index.js';
import type { Paper } from '../../src/papers/index.js';
import { foldForMatch, SearchEngine, type PaperFilter } from '../../src/search/index.js';
import { MODELS_DIR, seedIndex } from '../support/seed-engine.js';

const SIZE = 3000;
const AUTHORS = ['José Núñez', 'Ada Lovelace', 'Zoë Ångström', 'Alan Turing', 'Grace Hopper', 'Chen Wei', 'Émile Durand', 'Ngozi Okafor'];
const VENUES = ['NeurIPS', 'IEEE Robotics and Automation Letters', 'CoRL', 'Science Robotics', 'ICRA'];

/** A deterministic pseudo-random sequence, so the corpus is the same on every run. */
function random(seed: number) {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

let index: PaperIndex;
let engine: SearchEngine;
let papers: Paper[];
let vectors: Float32Array[];

/**
 * A corpus of a few thousand papers with metadata: the seed papers' text and real vectors, each
 * repeated with Gaussian noise (σ = 0.03 per dimension, as the bench's scale points) and its own
 * year, authors, venue and tags.
 */
beforeAll(async () => {
  const seeds = seedIndex();
  const next = random(7);
  const gaussian = () => Math.sqrt(-2 * Math.log(next() || 1e-12)) * Math.cos(2 * Math.PI * next());
  papers = [];
  vectors = [];
  for (let i = 0; i < SIZE; i++) {
    const seed = seeds.paper(i % seeds.size);
    const base = seeds.vectorOf(i % seeds.size);
    vectors.push(normalize(base.map((value) => value + 0.03 * gaussian())));
    papers.push({
      id: `synthetic-${i}`,
      title: `${seed.title} (${i})`,
      abstract: seed.abstract,
      year: 2000 + Math.floor(next() * 25),
      authors: [AUTHORS[Math.floor(next() * AUTHORS.length)]!, AUTHORS[Math.floor(next() * AUTHORS.length)]!],
      venue: VENUES[Math.floor(next() * VENUES.length)],
      tags: [`cs.${['RO', 'LG', 'CV', 'AI'][Math.floor(next() * 4)]}`],
    });
  }
  const embedder = await Embedder.load({ modelsDir: MODELS_DIR });
  const dir = mkdtempSync(join(tmpdir(), 'paper-search-filter-'));
  writeIndex(dir, { papers, vectors, model: embedder.info, hnsw: DEFAULT_HNSW, corpusHash: 'filter-test', sources: [] });
  index = await loadIndex(dir);
  engine = new SearchEngine(index, embedder);
});

const keeps = (paper: Paper, filter: PaperFilter) =>
  (filter.yearMin === undefined || (paper.year ?? -Infinity) >= filter.yearMin) &&
  (filter.yearMax === undefined || (paper.year ?? Infinity) <= filter.yearMax) &&
  (filter.author === undefined || (paper.authors ?? []).some((name) => foldForMatch(name).includes(foldForMatch(filter.author!)))) &&
  (filter.venue === undefined || foldForMatch(paper.venue ?? '').includes(foldForMatch(filter.venue))) &&
  (filter.tag === undefined || (paper.tags ?? []).some((tag) => foldForMatch(tag) === foldForMatch(filter.tag!)));

/** The exact filtered dense ranking: cosine of the query with every paper the filter keeps. */
async function bruteForce(query: string, filter: PaperFilter, k: number): Promise<string[]> {
  const vector = await engine.encoder.embedLong(query);
  return papers
    .map((paper, ordinal) => ({ paper, similarity: vectors[ordinal]!.reduce((sum, value, d) => sum + value * vector[d]!, 0) }))
    .filter(({ paper }) => keeps(paper, filter))
    .sort((a, b) => b.similarity - a.similarity)
    .slice(0, k)
    .map(({ paper }) => paper.id);
}

describe('filtered search on a corpus of 3,000 papers', () => {
  it('a filter keeping about 1% still returns k results, in the exact filtered order', async () => {
    const filter: PaperFilter = { yearMin: 2010, yearMax: 2012, author: 'jose nunez', venue: 'corl' };
    const allowed = papers.filter((paper) => keeps(paper, filter)).length;
    expect(allowed / SIZE).toBeGreaterThan(0.002);
    expect(allowed / SIZE).toBeLessThan(0.02);
    const k = Math.min(10, allowed);
    const answer = await engine.search('robots learning from human video demonstrations', { mode: 'dense', k, filter });
    expect(answer.hits.map((hit) => hit.paper.id)).toEqual(await bruteForce('robots learning from human video demonstrations', filter, k));
  });

  it('a broad filter (the HNSW path) returns k results that all pass it, matching the exact ranking closely', async () => {
    const filter: PaperFilter = { yearMin: 2004 };
    expect(papers.filter((paper) => keeps(paper, filter)).length).toBeGreaterThan(engine.options.exactFilterLimit);
    const query = 'sim-to-real transfer for legged locomotion';
    const answer = await engine.search(query, { mode: 'dense', k: 20, filter });
    expect(answer.hits).toHaveLength(20);
    expect(answer.hits.every((hit) => keeps(hit.paper, filter))).toBe(true);
    const exact = new Set(await bruteForce(query, filter, 20));
    expect(answer.hits.filter((hit) => exact.has(hit.paper.id)).length).toBeGreaterThanOrEqual(18);
  });

  it('filters every mode and similar-paper search, accents and case ignored', async () => {
    const filter: PaperFilter = { author: 'ZOE ANGSTROM', yearMin: 2020 };
    for (const mode of ['hybrid', 'dense', 'lexical'] as const) {
      const answer = await engine.search('diffusion policy', { mode, k: 15, filter });
      expect(answer.hits.length, mode).toBeGreaterThan(0);
      expect(
        answer.hits.every((hit) => keeps(hit.paper, filter)),
        mode,
      ).toBe(true);
    }
    const similar = await engine.similarToPaper('synthetic-5', { k: 10, filter });
    expect(similar.hits).toHaveLength(10);
    expect(similar.hits.every((hit) => keeps(hit.paper, filter) && hit.paper.id !== 'synthetic-5')).toBe(true);
  });

  it('lexical search under a filter is plain BM25 restricted to the kept papers', async () => {
    const filter: PaperFilter = { venue: 'science robotics', yearMax: 2004 };
    const filtered = await engine.search('humanoid whole-body control', { mode: 'lexical', k: 100, filter });
    const all = await engine.search('humanoid whole-body control', { mode: 'lexical', k: 100 });
    const unfilteredKept = all.hits.filter((hit) => keeps(hit.paper, filter));
    expect(all.hits.length).toBe(100);
    expect(unfilteredKept.length).toBeGreaterThan(0);
    expect(filtered.hits.slice(0, unfilteredKept.length).map((hit) => hit.paper.id)).toEqual(unfilteredKept.map((hit) => hit.paper.id));
  });

  it('an empty filter is no filter, and a filter nothing passes gives no results', async () => {
    const plain = await engine.search('tactile sensing', { k: 5 });
    expect((await engine.search('tactile sensing', { k: 5, filter: {} })).hits.map((hit) => hit.paper.id)).toEqual(
      plain.hits.map((hit) => hit.paper.id),
    );
    expect((await engine.search('tactile sensing', { k: 5, filter: { yearMin: 2090 } })).hits).toEqual([]);
  });
});
