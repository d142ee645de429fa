import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecommendBodySchema, type WireRecommendAnswer } from '../../src/contract/schemas.js';
import { DEFAULT_RECOMMEND_MODE, MARKED_PAPERS, RECOMMEND_MODES } from '../../src/contract/values.js';
import { buildIndex, loadIndex, type PaperIndex } from '../../src/index/index.js';
import { Embedder } from '../../src/model/index.js';
import { exportPapers } from '../../src/papers/index.js';
import { SearchEngine } from '../../src/search/index.js';
import { createApp } from '../../src/server/app.js';
import { ROBOTICS_LIBRARY } from '../support/robotics-library.js';
import { MODELS_DIR, seedEngine, seedIndex } from '../support/seed-engine.js';

/** A labelled question of the dev set: a researcher who liked two of its papers wants the others. */
const seedDev = JSON.parse(readFileSync('tests/eval/seed-dev.json', 'utf8')) as {
  queries: Array<{ id: string; judgments: Record<string, number> }>;
};
const WATCHING_VIDEOS = seedDev.queries.find((query) => query.id === 'q01')!.judgments;
const ZEROMIMIC = 'ZeroMimic: Distilling Robotic Manipulation Skills from Web Videos';
const UNISKILL = 'UniSkill: Imitating Human Videos via Cross-Embodiment Skill Representations';

let app: ReturnType<typeof createApp>;
let idOf: (title: string) => string;
let titleOf: (id: string) => string;

beforeAll(async () => {
  app = createApp(await seedEngine());
  const papers = seedIndex().allPapers();
  idOf = (title) => papers.find((paper) => paper.title === title)?.id ?? expect.unreachable(`no seed paper titled ${title}`);
  titleOf = (id) => papers.find((paper) => paper.id === id)?.title ?? expect.unreachable(`no seed paper ${id}`);
});

async function post(body: unknown, on = app): Promise<Response> {
  return on.request('/api/recommend', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function recommend(body: object, on = app): Promise<WireRecommendAnswer> {
  const response = await post(body, on);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as WireRecommendAnswer;
}

async function refusal(body: unknown): Promise<string> {
  const response = await post(body);
  expect(response.status).toBe(400);
  const { error } = (await response.json()) as { error: { code: string; message: string } };
  expect(error.code).toBe('invalid_parameter');
  return error.message;
}

describe('POST /api/recommend', () => {
  it('recommends the other papers of the liked papers’ topic, never the liked ones, in the search answer’s shape', async () => {
    const liked = [idOf(ZEROMIMIC), idOf(UNISKILL)];
    const answer = await recommend({ liked });
    expect(Object.keys(answer).sort()).toEqual(['confidence', 'generation', 'mode', 'query', 'results', 'took_ms']);
    expect(answer.generation).toBe(seedIndex().manifest.generation);
    expect(answer.mode).toBe(DEFAULT_RECOMMEND_MODE);
    expect(answer.query).toBe(liked.join(', '));
    expect(answer.confidence).toBe('high');
    expect(answer.results).toHaveLength(10);
    const ids = answer.results.map((result) => result.id);
    expect(ids.filter((id) => liked.includes(id))).toEqual([]);
    const onTopic = ids.filter((id) => (WATCHING_VIDEOS[titleOf(id)] ?? 0) >= 1);
    expect(onTopic.length, `papers judged relevant to learning from videos among ${ids.map(titleOf).join('; ')}`).toBeGreaterThanOrEqual(5);
    for (const result of answer.results) {
      expect(result.title).toBe(titleOf(result.id));
      expect(result.abstract).toContain(result.snippet.replace(/ …$/, ''));
    }
    const scores = answer.results.map((result) => result.score);
    expect(scores, 'best first').toEqual([...scores].sort((a, b) => b - a));
  });

  it('never recommends a disliked paper, and says which papers were marked', async () => {
    const liked = [idOf(ZEROMIMIC), idOf(UNISKILL)];
    const before = await recommend({ liked, k: 20 });
    const disliked = before.results[0]!.id;
    const after = await recommend({ liked, disliked: [disliked], k: 20 });
    expect(after.query).toBe(`${liked.join(', ')}; not ${disliked}`);
    const ids = after.results.map((result) => result.id);
    for (const marked of [...liked, disliked]) expect(ids).not.toContain(marked);
  });

  it.each(RECOMMEND_MODES)('answers with method %s, k papers, none of the marked ones', async (mode) => {
    const liked = [idOf(ZEROMIMIC)];
    const answer = await recommend({ liked, disliked: [idOf(UNISKILL)], k: 7, mode });
    expect(answer.mode).toBe(mode);
    expect(answer.results).toHaveLength(7);
    const ids = answer.results.map((result) => result.id);
    expect(new Set(ids).size).toBe(7);
    expect(ids).not.toContain(idOf(ZEROMIMIC));
    expect(ids).not.toContain(idOf(UNISKILL));
  });

  it('gives the same answer to the same request', async () => {
    const body = { liked: [idOf(ZEROMIMIC), idOf(UNISKILL)], mode: 'classifier' };
    expect((await recommend(body)).results).toEqual((await recommend(body)).results);
  });

  it('refuses an id the index does not have with a 400 naming it, liked or disliked', async () => {
    expect(await refusal({ liked: [idOf(ZEROMIMIC), 'no-such-paper'] })).toMatch(/liked paper "no-such-paper" is not in the index/);
    expect(await refusal({ liked: [idOf(ZEROMIMIC)], disliked: ['gone-paper'] })).toMatch(
      /disliked paper "gone-paper" is not in the index/,
    );
  });

  it('refuses a paper both liked and disliked, no liked paper, and too many', async () => {
    const id = idOf(ZEROMIMIC);
    expect(await refusal({ liked: [id], disliked: [id] })).toBe(`paper "${id}" is both liked and disliked; keep it in one list`);
    expect(await refusal({ liked: [] })).toBe('liked must name at least one paper');
    expect(await refusal({ disliked: [id] })).toMatch(/^liked must be a list of paper ids/);
    expect(await refusal({ liked: id })).toMatch(/^liked must be a list of paper ids/);
    expect(await refusal({ liked: [id, ''] })).toMatch(/liked must not hold an empty id/);
    const many = Array.from({ length: MARKED_PAPERS.max + 1 }, () => id);
    expect(await refusal({ liked: many })).toBe(`liked may name at most ${MARKED_PAPERS.max} papers`);
  });

  it('refuses unknown fields, modes and counts like every other route', async () => {
    const liked = [idOf(ZEROMIMIC)];
    expect(await refusal({ liked, like: liked })).toBe(
      `unknown field "like"; accepted: ${Object.keys(RecommendBodySchema.shape).join(', ')}`,
    );
    expect(await refusal({ liked, mode: 'dense' })).toBe(`mode must be one of ${RECOMMEND_MODES.join(', ')}`);
    expect(await refusal({ liked, k: 101 })).toBe('k must be at most 100');
  });

  it('waits for a turn like every searching route: 503 busy before its body is read when the server is full', async () => {
    const full = createApp(await seedEngine(), { admission: { maxWorking: 0, maxWaiting: 0 } });
    const response = await full.request('/api/recommend', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"liked": not json',
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('busy');
  });

  it('is described in the OpenAPI document, its body inline with only liked required', async () => {
    const doc = (await (await app.request('/openapi.json')).json()) as {
      paths: Record<
        string,
        {
          post?: {
            operationId: string;
            requestBody: { content: Record<string, { schema: { required?: string[]; properties?: object } }> };
            responses: Record<string, unknown>;
          };
        }
      >;
      components: { schemas: Record<string, { properties?: { mode?: { enum?: string[] } } }> };
    };
    const operation = doc.paths['/api/recommend']?.post;
    expect(operation?.operationId).toBe('recommendPapers');
    const schema = operation?.requestBody.content['application/json']?.schema;
    expect(schema?.required).toEqual(['liked']);
    expect(Object.keys(schema?.properties ?? {}).sort()).toEqual(Object.keys(RecommendBodySchema.shape).sort());
    expect(Object.keys(operation?.responses ?? {})).toEqual(expect.arrayContaining(['200', '400', '401', '503']));
    expect(doc.components.schemas.RecommendAnswer?.properties?.mode?.enum).toEqual([...RECOMMEND_MODES]);
  });
});

describe('POST /api/recommend on a library with metadata', () => {
  let dir: string;
  let index: PaperIndex;
  let library: ReturnType<typeof createApp>;
  let engine: SearchEngine;
  const idIn = (title: string) =>
    engine.listPapers({ offset: 0, limit: 100 }).papers.find((paper) => paper.title === title)?.id ?? expect.unreachable(title);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paper-search-recommend-'));
    writeFileSync(join(dir, 'robotics.jsonl'), `${ROBOTICS_LIBRARY.map((paper) => JSON.stringify(paper)).join('\n')}\n`);
    const embedder = await Embedder.load({ modelsDir: MODELS_DIR });
    await buildIndex({ inputs: [join(dir, 'robotics.jsonl')], outDir: join(dir, 'index'), embedder });
    index = await loadIndex(join(dir, 'index'));
    engine = new SearchEngine(index, embedder);
    library = createApp(engine);
  });

  afterAll(() => {
    index?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('applies the filters of search: only papers they keep are recommended', async () => {
    const liked = [idIn('Diffusion policies for dexterous manipulation')];
    const all = await recommend({ liked }, library);
    expect(all.results).toHaveLength(ROBOTICS_LIBRARY.length - 1);
    const recent = await recommend({ liked, year_min: 2023 }, library);
    expect(recent.results.map((result) => result.title).sort()).toEqual([
      'Behaviour cloning from human videos',
      'Tactile sensing for robot grasping',
    ]);
    const byLovelace = await recommend({ liked, author: 'lovelace' }, library);
    expect(byLovelace.results.map((result) => result.title).sort()).toEqual([
      'A survey of robot learning',
      'Legged locomotion with reinforcement learning',
    ]);
  });

  it('answers with a bibliography file when given a format', async () => {
    const liked = [idIn('Diffusion policies for dexterous manipulation')];
    const answer = await recommend({ liked, k: 3 }, library);
    const response = await post({ liked, k: 3, format: 'bibtex' }, library);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="papers.bib"');
    expect(await response.text()).toBe(
      exportPapers(
        answer.results.map((result) => engine.paper(result.id)!),
        'bibtex',
      ).body,
    );
  });
});
