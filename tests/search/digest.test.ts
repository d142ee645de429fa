import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildIndex, loadIndex, WatchStore } from '../../src/index/index.js';
import { Embedder } from '../../src/model/index.js';
import type { Paper } from '../../src/papers/index.js';
import { type Digest, DEFAULT_SEARCH, SearchEngine, type Watched, type WatchedQuery } from '../../src/search/index.js';
import { digestWatches } from '../../src/search/index.js';
import { loadLabelledSet } from '../eval/collections.js';
import { measureBar, precision } from '../eval/digest-bar.js';
import { MODELS_DIR, seedEngine, seedIndex } from '../support/seed-engine.js';

const dev = loadLabelledSet('tests/eval/seed-dev.json', 'seed-dev', seedIndex().allPapers());
const labelled = (id: string) => dev.queries.find((query) => query.id === id)!;
const coresOf = (id: string) => [...labelled(id).judgments].filter(([, grade]) => grade === 3).map(([paper]) => paper);

/** Watches whose core papers the second build adds: names, a question, a pasted abstract. */
const NEW_CORES = ['q21', 'q23', 'q34', 'q08', 'q48'];
/** Watches whose core papers were already in the first build. */
const OLD_CORES = ['q36', 'q49'];
const OFF_TOPIC = dev.offTopic.slice(0, 4);

const scratch = mkdtempSync(join(tmpdir(), 'paper-search-digest-'));
const out = join(scratch, 'index');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let seedAll: SearchEngine;
let engine: SearchEngine;
let watchesFile: WatchStore;
/** Papers the second build added. */
let added: Set<string>;

function writeLibrary(file: string, papers: readonly Paper[]): string {
  writeFileSync(file, `${papers.map((paper) => JSON.stringify(paper)).join('\n')}\n`);
  return file;
}

/** The query of a saved query's watch (every watch of this file is one). */
function queryOf(watch: Watched): string {
  if (!('query' in watch)) throw new Error(`watch ${watch.id} is not a saved query`);
  return watch.query;
}

function ids(digest: Digest): string[][] {
  return digest.entries.map((entry) => entry.hits.map((hit) => hit.paper.id));
}

/**
 * The key scenario: an index of some seed papers, watches added, then a second build adds the rest
 * of a chosen set (every core paper of NEW_CORES, and every fourth other paper).
 */
beforeAll(async () => {
  seedAll = await seedEngine();
  const embedder = await Embedder.load({ modelsDir: MODELS_DIR });
  const papers = seedIndex().allPapers();
  const newCores = new Set(NEW_CORES.flatMap(coresOf));
  const oldCores = new Set(OLD_CORES.flatMap(coresOf));
  const second = papers.filter((paper, i) => newCores.has(paper.id) || (!oldCores.has(paper.id) && i % 4 === 0));
  added = new Set(second.map((paper) => paper.id));
  const first = papers.filter((paper) => !added.has(paper.id));
  // The shared seed index's vector cache: the same papers need no embedding again.
  cpSync(join(inject('seedIndexDir'), 'cache'), join(out, 'cache'), { recursive: true });

  await buildIndex({ inputs: [writeLibrary(join(scratch, 'first.jsonl'), first)], outDir: out, embedder });
  watchesFile = new WatchStore(out);
  for (const id of [...NEW_CORES, ...OLD_CORES]) await watchesFile.add({ query: labelled(id).text });
  for (const text of OFF_TOPIC) await watchesFile.add({ query: text });
  // The second build's papers are added strictly after the watches were.
  await sleep(5);
  await buildIndex({ inputs: [writeLibrary(join(scratch, 'second.jsonl'), second)], outDir: out, embedder });
  engine = new SearchEngine(await loadIndex(out), embedder);
});

describe('the digest after a second build', () => {
  it('lists exactly the new papers that match: what a digest of every paper lists, less the old papers', async () => {
    const watches = digestWatches(watchesFile.list(), '1');
    const digest = await engine.digest(watches);
    const everything = await seedAll.digest(watches.map((watch) => ({ ...watch, since: { generation: 0 } })));
    expect([digest.generation, everything.generation]).toEqual([2, 1]);
    expect(ids(digest)).toEqual(ids(everything).map((listed) => listed.filter((id) => added.has(id))));
    for (const listed of ids(digest)) for (const id of listed) expect(added, `${id} is a paper of the second build`).toContain(id);
    // Old papers that match are in the digest of everything, so leaving them out was the digest's doing.
    expect(
      ids(everything)
        .flat()
        .filter((id) => !added.has(id)).length,
    ).toBeGreaterThan(0);
  });

  it("names the watches' new core papers, never their old ones, and nothing for off-topic watches", async () => {
    const { entries } = await engine.digest(digestWatches(watchesFile.list(), undefined));
    const byQuery = new Map(entries.map((entry) => [queryOf(entry.watch), entry.hits.map((hit) => hit.paper.id)]));
    for (const id of NEW_CORES)
      expect(byQuery.get(labelled(id).text), `${id} "${labelled(id).text}"`).toEqual(expect.arrayContaining(coresOf(id)));
    for (const id of OLD_CORES) for (const core of coresOf(id)) expect(byQuery.get(labelled(id).text)).not.toContain(core);
    for (const text of OFF_TOPIC) expect(byQuery.get(text), text).toEqual([]);
  });

  it('leaves out weak new matches: every listed paper clears the bar and says why', async () => {
    const watches = digestWatches(watchesFile.list(), undefined);
    const { entries } = await engine.digest(watches);
    let weakNewLeftOut = 0;
    for (const entry of entries) {
      for (const hit of entry.hits) {
        expect(hit.score).toBeGreaterThanOrEqual(DEFAULT_SEARCH.digest.minScore);
        expect(hit.reason).toMatch(
          /^(close in meaning \(similarity 0\.\d\d, bar 0\.\d\d\)|contains every term of the query); stands out among the whole library's matches \(score \d+\.\d\d, bar 2\.5\)$/,
        );
        expect(hit.similarity >= 0.42 || hit.coverage === 1).toBe(true);
      }
      const listed = new Set(entry.hits.map((hit) => hit.paper.id));
      const top = await engine.search(queryOf(entry.watch), { k: 10 });
      weakNewLeftOut += top.hits.filter((hit) => added.has(hit.paper.id) && !listed.has(hit.paper.id)).length;
    }
    expect(weakNewLeftOut, 'new papers in the watches’ top 10 that the digest leaves out').toBeGreaterThan(0);
  });

  it('counts from the watch by default, or from a time or generation given; nothing is new after the last build', async () => {
    const store = watchesFile.list();
    const byDefault = ids(await engine.digest(digestWatches(store, undefined)));
    expect(byDefault.flat().length).toBeGreaterThan(0);
    expect(ids(await engine.digest(digestWatches(store, '1')))).toEqual(byDefault);
    expect(ids(await engine.digest(digestWatches(store, store.at(-1)!.created_at)))).toEqual(byDefault);
    expect(ids(await engine.digest(digestWatches(store, '0'))).flat().length).toBeGreaterThan(byDefault.flat().length);
    for (const since of ['2', new Date().toISOString()])
      expect(ids(await engine.digest(digestWatches(store, since))).flat(), since).toEqual([]);
  });

  it('applies a watch’s filters', async () => {
    const unfiltered: WatchedQuery = { id: 'w', query: labelled('q08').text, since: { generation: 1 } };
    const [all] = (await engine.digest([unfiltered])).entries;
    expect(all!.hits.length).toBeGreaterThan(0);
    const [none] = (await engine.digest([{ ...unfiltered, filter: { yearMax: 1900 } }])).entries;
    expect(none!.hits).toEqual([]);
  });
});

describe("the digest's bar on the labelled seed queries (every paper new)", () => {
  it('lists mostly relevant papers and nothing for any off-topic query', async () => {
    const report = await measureBar(seedIndex(), seedAll.encoder, dev, DEFAULT_SEARCH.digest.minScore);
    // npm run eval:digest measured 0.90 (grade ≥ 2) and 0.95 (grade ≥ 1) over 97 papers listed for 53 watches.
    expect(precision(report.byKind.all!, 2)).toBeGreaterThanOrEqual(0.85);
    expect(precision(report.byKind.all!, 1)).toBeGreaterThanOrEqual(0.9);
    expect(report.byKind.all!.withPapers).toBeGreaterThanOrEqual(40);
    expect(report.offTopic).toMatchObject({ watches: 24, listed: 0 });
  });
});
