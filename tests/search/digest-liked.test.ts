import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildIndex, loadIndex, WatchStore } from '../../src/index/index.js';
import { Embedder } from '../../src/model/index.js';
import type { Paper } from '../../src/papers/index.js';
import { DEFAULT_SEARCH, type DigestHit, digestWatches, SearchEngine, type WatchedLikes } from '../../src/search/index.js';
import { loadLabelledSet } from '../eval/collections.js';
import { MODELS_DIR, seedIndex } from '../support/seed-engine.js';

const dev = loadLabelledSet('tests/eval/seed-dev.json', 'seed-dev', seedIndex().allPapers());
const coresOf = (id: string) =>
  [...dev.queries.find((query) => query.id === id)!.judgments].filter(([, grade]) => grade === 3).map(([paper]) => paper);
/** "diffusion policy": two core papers liked in the first build; the second build adds the other eight. */
const NEW_TOPIC = coresOf('q26');
/** Minecraft agents: two core papers liked; the others stay in the first build, old when the digest runs. */
const OLD_TOPIC = coresOf('q11');
const LIKED = [NEW_TOPIC.slice(0, 2), OLD_TOPIC.slice(0, 2)];

/** New papers on nothing the library holds: the bar must never list them. */
const UNRELATED: Paper[] = [
  {
    id: 'sourdough-hydration',
    title: 'Hydration and fermentation time in sourdough bread',
    abstract: 'We bake loaves at five hydration levels and measure crumb openness, oven spring and sourness after long cold fermentation.',
  },
  {
    id: 'medieval-tax-rolls',
    title: 'Tax rolls of fourteenth-century English parishes',
    abstract: 'Parish tax assessments of 1334 show how wealth was distributed among villages, towns and monasteries.',
  },
  {
    id: 'coral-bleaching',
    title: 'Coral bleaching after marine heatwaves',
    abstract: 'Surveys of reefs before and after three heatwaves relate bleaching to water temperature and depth.',
  },
];

const scratch = mkdtempSync(join(tmpdir(), 'paper-search-digest-liked-'));
const out = join(scratch, 'index');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let engine: SearchEngine;
let store: WatchStore;
/** Papers the second build added. */
let added: Set<string>;

function writeLibrary(file: string, papers: readonly Paper[]): string {
  writeFileSync(file, `${papers.map((paper) => JSON.stringify(paper)).join('\n')}\n`);
  return file;
}

const idsOf = (hits: readonly DigestHit[]) => hits.map((hit) => hit.paper.id);

/** The liked sets' digest: for each (new topic, old topic), the ids it lists. */
async function likedDigest(since: string | undefined, change: Partial<WatchedLikes> = {}): Promise<DigestHit[][]> {
  const watches = digestWatches(store.list(), since).map((watch) => ({ ...(watch as WatchedLikes), ...change }));
  return (await engine.digest(watches)).entries.map((entry) => entry.hits);
}

/**
 * An index of most seed papers, two liked sets saved as watches, then a second build adds the other
 * core papers of the first set's topic, every fourth other seed paper (none of the second set's
 * topic) and three unrelated papers.
 */
beforeAll(async () => {
  const embedder = await Embedder.load({ modelsDir: MODELS_DIR });
  const papers = seedIndex().allPapers();
  const liked = new Set(LIKED.flat());
  const second = [
    ...papers.filter(
      (paper, i) => !liked.has(paper.id) && (NEW_TOPIC.includes(paper.id) || (i % 4 === 0 && !OLD_TOPIC.includes(paper.id))),
    ),
    ...UNRELATED,
  ];
  added = new Set(second.map((paper) => paper.id));
  const first = papers.filter((paper) => !added.has(paper.id));
  cpSync(join(inject('seedIndexDir'), 'cache'), join(out, 'cache'), { recursive: true });
  await buildIndex({ inputs: [writeLibrary(join(scratch, 'first.jsonl'), first)], outDir: out, embedder });
  store = new WatchStore(out);
  await store.add({ liked: LIKED[0]!, name: 'diffusion policies' });
  await store.add({ liked: LIKED[1]! });
  await sleep(5);
  await buildIndex({ inputs: [writeLibrary(join(scratch, 'second.jsonl'), second)], outDir: out, embedder });
  engine = new SearchEngine(await loadIndex(out), embedder);
});

describe("a liked set's digest after a second build", () => {
  it('lists exactly the new papers that clear the bar: what a digest of every paper lists, less the old ones', async () => {
    const news = (await likedDigest(undefined)).map(idsOf);
    const everything = (await likedDigest('0')).map(idsOf);
    expect(news).toEqual(everything.map((listed) => listed.filter((id) => added.has(id))));
    expect(news.flat().length).toBeGreaterThan(0);
    // Old papers clear the bar too, so leaving them out was the digest's doing.
    expect(everything.flat().filter((id) => !added.has(id)).length).toBeGreaterThan(0);
    for (const id of everything.flat()) expect(LIKED.flat(), `${id} is liked`).not.toContain(id);
  });

  it("names a new core paper of the first set's topic, no old one of the second's, and never an unrelated paper", async () => {
    const [newTopic, oldTopic] = (await likedDigest(undefined)).map(idsOf);
    expect(newTopic!.filter((id) => NEW_TOPIC.includes(id)).length).toBeGreaterThan(0);
    expect(oldTopic!.filter((id) => OLD_TOPIC.includes(id))).toEqual([]);
    for (const paper of UNRELATED) expect([...newTopic!, ...oldTopic!]).not.toContain(paper.id);
  });

  it('leaves out weak new matches: every listed paper clears the bar and says which liked paper it is closest to', async () => {
    const [hits] = await likedDigest(undefined);
    const likedTitles = LIKED[0]!.map((id) => engine.paper(id)!.title);
    for (const hit of hits!) {
      expect(hit.score).toBeGreaterThanOrEqual(DEFAULT_SEARCH.digest.likedMinScore);
      expect(likedTitles).toContain(hit.closestLiked!.title);
      expect(hit.reason).toMatch(
        /^closest to the liked paper ".+", as close as its \d+ nearest papers \(similarity 0\.\d\d, bar 0\.\d\d\); stands out among the recommendations for the liked set \(score \d+\.\d\d, bar \d(\.\d)?\)$/,
      );
      expect(hit.reason).toContain(`"${hit.closestLiked!.title}"`);
    }
    const listed = new Set(idsOf(hits!));
    const recommended = await engine.recommend({ liked: LIKED[0]!, k: 10 });
    const weak = recommended.hits.filter((hit) => added.has(hit.paper.id) && !listed.has(hit.paper.id));
    expect(weak.length, 'new papers among the 10 recommended that the digest leaves out').toBeGreaterThan(0);
  });

  it('counts from the watch by default, or from a generation given; nothing is new after the last build', async () => {
    const byDefault = await likedDigest(undefined);
    expect(await likedDigest('1')).toEqual(byDefault);
    expect(await likedDigest('2')).toEqual([[], []]);
  });

  it("applies the watch's filters, and lists nothing once no liked paper is left in the index", async () => {
    expect(await likedDigest(undefined, { filter: { yearMax: 1900 } })).toEqual([[], []]);
    expect(await likedDigest(undefined, { liked: ['removed-by-a-rebuild'] })).toEqual([[], []]);
  });
});
