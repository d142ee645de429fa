import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  DigestSchema,
  PaperSchema,
  RecommendAnswerSchema,
  RecommendBodySchema,
  SearchAnswerSchema,
  SearchQuerySchema,
  type WireAnswer,
  type WireDigest,
} from '../../src/contract/schemas.js';
import { buildIndex, loadIndex, type PaperIndex, WatchStore } from '../../src/index/index.js';
import { Embedder } from '../../src/model/index.js';
import { SearchEngine } from '../../src/search/index.js';
import { createApp } from '../../src/server/index.js';
import { ROBOTICS_LIBRARY } from '../support/robotics-library.js';
import { loadLabelledSet } from '../eval/collections.js';
import { MODELS_DIR, seedEngine, seedIndex } from '../support/seed-engine.js';
import { connectHttp, connectStdio, textOf, type Connection } from './clients.js';

/**
 * The MCP tools through the SDK's own client, over both transports: the real CLI on stdio and the real
 * app at /mcp, against a real index of a small library with full metadata (authors, years, venues, tags).
 * What a tool answers is compared with what the HTTP API answers for the same request.
 */

let dir: string;
let index: PaperIndex;
let engine: SearchEngine;
let api: ReturnType<typeof createApp>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'paper-search-mcp-'));
  writeFileSync(join(dir, 'robotics.jsonl'), `${ROBOTICS_LIBRARY.map((paper) => JSON.stringify(paper)).join('\n')}\n`);
  const embedder = await Embedder.load({ modelsDir: MODELS_DIR });
  await buildIndex({ inputs: [join(dir, 'robotics.jsonl')], outDir: join(dir, 'index'), embedder });
  index = await loadIndex(join(dir, 'index'));
  engine = new SearchEngine(index, embedder);
  api = createApp(engine, { watches: new WatchStore(join(dir, 'index')) });
});

afterAll(() => {
  index?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const idOf = (title: string): string =>
  engine.listPapers({ offset: 0, limit: 100 }).papers.find((paper) => paper.title === title)?.id ??
  expect.unreachable(`no paper titled ${title}`);

async function apiJson<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await api.request(path, init);
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

/** An answer without its timing, the one field two runs of the same search do not share. */
function untimed(answer: unknown): Omit<WireAnswer, 'took_ms'> {
  const { took_ms, ...rest } = answer as WireAnswer;
  expect(typeof took_ms).toBe('number');
  return rest;
}

const LEGGED = 'Legged locomotion with reinforcement learning';
const DIFFUSION = 'Diffusion policies for dexterous manipulation';
const TACTILE = 'Tactile sensing for robot grasping';
const CLONING = 'Behaviour cloning from human videos';

describe.each([
  ['stdio (the real CLI)', () => connectStdio(join(dir, 'index'))],
  ['Streamable HTTP (the real app at /mcp)', () => connectHttp(engine, { watches: new WatchStore(join(dir, 'index')) })],
])('MCP tools over %s', (_, connect: () => Promise<Connection>) => {
  let connection: Connection;
  let call: (name: string, args: Record<string, unknown>) => Promise<CallToolResult>;

  beforeAll(async () => {
    connection = await connect();
    call = async (name, args) => (await connection.client.callTool({ name, arguments: args })) as CallToolResult;
  });

  afterAll(async () => {
    await connection?.close();
  });

  it('lists the five tools with the contract schemas as input and output', async () => {
    const { tools } = await connection.client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(['search_papers', 'find_similar', 'get_paper', 'recommend_papers', 'whats_new']);
    const [search, similar, paper, recommend, whatsNew] = tools;

    const searchFields = Object.keys(SearchQuerySchema.shape).filter((field) => field !== 'format');
    expect(Object.keys(search!.inputSchema.properties!)).toEqual(searchFields);
    expect(search!.inputSchema.required).toEqual(['q']);
    for (const [field, schema] of Object.entries(search!.inputSchema.properties!))
      expect((schema as { description?: string }).description, field).toMatch(/\w/);
    expect(search!.inputSchema.properties!.mode).toMatchObject({ enum: ['hybrid', 'dense', 'lexical'], default: 'hybrid' });
    expect(search!.inputSchema.properties!.k).toMatchObject({ type: 'integer', minimum: 1, maximum: 100 });

    expect(Object.keys(similar!.inputSchema.properties!).sort()).toEqual(
      [...searchFields.filter((field) => field !== 'q'), 'id', 'text'].sort(),
    );
    expect(similar!.inputSchema.required ?? []).toEqual([]);
    expect(paper!.inputSchema).toMatchObject({ properties: { id: { type: 'string' } }, required: ['id'] });

    for (const tool of [search!, similar!])
      expect(Object.keys(tool.outputSchema!.properties!)).toEqual(Object.keys(SearchAnswerSchema.shape));
    expect(Object.keys(paper!.outputSchema!.properties!)).toEqual(Object.keys(PaperSchema.shape));
    expect(Object.keys(recommend!.inputSchema.properties!)).toEqual(
      Object.keys(RecommendBodySchema.shape).filter((field) => field !== 'format'),
    );
    expect(recommend!.inputSchema.required).toEqual(['liked']);
    expect(Object.keys(recommend!.outputSchema!.properties!)).toEqual(Object.keys(RecommendAnswerSchema.shape));
    expect(Object.keys(whatsNew!.inputSchema.properties!)).toEqual(['since']);
    expect(whatsNew!.inputSchema.required ?? []).toEqual([]);
    expect(Object.keys(whatsNew!.outputSchema!.properties!)).toEqual(Object.keys(DigestSchema.shape));
    for (const tool of tools) {
      expect(tool.description).toMatch(/library/);
      expect(tool.annotations).toMatchObject({ readOnlyHint: true, openWorldHint: false });
    }
  });

  it('search_papers answers what GET /api/search answers, and as text: title (year), authors, the passage, the id', async () => {
    const query = 'how does a quadruped robot learn to walk on rough terrain?';
    const result = await call('search_papers', { q: query, k: 3 });
    expect(result.isError).toBeFalsy();
    const answer = result.structuredContent as WireAnswer;
    expect(untimed(answer)).toEqual(untimed(await apiJson(`/api/search?q=${encodeURIComponent(query)}&k=3`)));
    expect(answer.results).toHaveLength(3);
    expect(answer.results[0]!.title).toBe(LEGGED);
    expect(answer.confidence).toBe('high');

    const text = textOf(result);
    expect(text.split('\n').slice(0, 2)).toEqual(['Confidence: high: the library covers this.', `3 papers for "${query}", best first:`]);
    const legged = answer.results[0]!;
    expect(text).toContain(
      `\n1. ${LEGGED} (2022)\n   Grace Hopper, Ada Lovelace\n   "${legged.snippet}"\n   why: matched ${legged.matched_words.slice(0, 8).join(', ')}\n   id: ${legged.id}\n`,
    );
    for (const [rank, paper] of answer.results.entries()) expect(text).toContain(`${rank + 1}. ${paper.title}`);
  });

  it('search_papers takes the API filters and modes', async () => {
    const result = await call('search_papers', { q: 'robot learning', mode: 'lexical', year_min: 2024, author: 'LOVELACE' });
    const answer = result.structuredContent as WireAnswer;
    expect(answer.mode).toBe('lexical');
    expect(answer.results.map((paper) => paper.title)).toEqual([DIFFUSION]);
    expect(untimed(answer)).toEqual(untimed(await apiJson('/api/search?q=robot+learning&mode=lexical&year_min=2024&author=LOVELACE')));
    expect(textOf(result)).toContain(`1. ${DIFFUSION} (2024)\n   Ada Lovelace, José Álvarez\n`);
  });

  it('says plainly when the library probably does not cover a question', async () => {
    const result = await call('search_papers', { q: 'how long should sourdough bread rise before baking?', k: 2 });
    expect((result.structuredContent as WireAnswer).confidence).toBe('low');
    expect(textOf(result).split('\n')[0]).toBe(
      'Confidence: low: the library probably does not cover this. These are only the nearest papers; say so instead of answering from them.',
    );
  });

  it('find_similar takes a pasted text or a paper id, and answers what the API answers for each', async () => {
    const text = 'Soft fingertip sensors let a robot hand feel contact forces, so it can pick up an egg without breaking it.';
    const byText = await call('find_similar', { text, k: 2 });
    expect(byText.isError).toBeFalsy();
    expect((byText.structuredContent as WireAnswer).results[0]!.title).toBe(TACTILE);
    const posted = await apiJson('/api/similar', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text, k: 2 }),
    });
    expect(untimed(byText.structuredContent)).toEqual(untimed(posted));
    expect(textOf(byText).split('\n')[1]).toBe('2 papers similar to the given text, best first:');

    const id = idOf(DIFFUSION);
    const byId = await call('find_similar', { id, k: 3, tag: 'cs.RO' });
    const answer = byId.structuredContent as WireAnswer;
    expect(answer.results.map((paper) => paper.id)).not.toContain(id);
    expect(answer.results).toHaveLength(3);
    expect(untimed(answer)).toEqual(untimed(await apiJson(`/api/papers/${id}/similar?k=3&tag=cs.RO`)));
    expect(textOf(byId).split('\n')[1]).toBe(`3 papers similar to "${DIFFUSION}" (id: ${id}), best first:`);
  });

  it('get_paper gives the whole record the API gives, and as text with every author and the whole abstract', async () => {
    const id = idOf(DIFFUSION);
    const result = await call('get_paper', { id });
    expect(result.structuredContent).toEqual(await apiJson(`/api/papers/${id}`));
    const paper = ROBOTICS_LIBRARY[0]!;
    expect(textOf(result)).toBe(
      [
        `${DIFFUSION} (2024)`,
        'Authors: Ada Lovelace, José Álvarez',
        'Venue: Conference on Robot Learning',
        'Link: https://doi.org/10.5555/diffusion.2024',
        'Tags: cs.RO, diffusion',
        `id: ${id}`,
        '',
        paper.abstract,
      ].join('\n'),
    );
  });

  it('recommend_papers answers what POST /api/recommend answers, never a liked paper, and as text like search_papers', async () => {
    const liked = [idOf(DIFFUSION), idOf(CLONING)];
    const result = await call('recommend_papers', { liked, k: 3 });
    expect(result.isError).toBeFalsy();
    const answer = result.structuredContent as WireAnswer;
    const body = JSON.stringify({ liked, k: 3 });
    const viaApi = await apiJson('/api/recommend', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(untimed(answer)).toEqual(untimed(viaApi));
    expect(answer.results).toHaveLength(3);
    expect(answer.results.filter((result) => liked.includes(result.id))).toEqual([]);

    const text = textOf(result);
    expect(text.split('\n')[1]).toBe('3 papers recommended from 2 liked papers, best first:');
    for (const [rank, paper] of answer.results.entries()) expect(text).toContain(`${rank + 1}. ${paper.title}`);
    expect(text).toContain(`   id: ${answer.results[0]!.id}`);
  });

  it('answers bad arguments with a tool error of one clear line, and keeps serving', async () => {
    const diffusion = idOf(DIFFUSION);
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ['search_papers', { q: 'robots', mode: 'fast' }, /mode must be one of hybrid, dense, lexical/],
      ['search_papers', { q: 'robots', k: 1000 }, /k must be at most 100/],
      ['search_papers', {}, /q is required/],
      [
        'search_papers',
        { q: 'robots', format: 'bibtex' },
        /unknown parameter "format"; accepted: q, k, mode, year_min, year_max, author, venue, tag/,
      ],
      ['find_similar', {}, /^give exactly one of text \(a passage to match\) or id \(a paper of the library\)$/],
      ['find_similar', { text: 'robots', id: diffusion }, /^give exactly one of text/],
      [
        'find_similar',
        { id: 'no-such-paper' },
        /^no paper with id "no-such-paper"; use an id from a search_papers or find_similar result$/,
      ],
      [
        'find_similar',
        { id: diffusion, mode: 'lexical' },
        /^mode lexical does not apply to id: papers similar to a paper are always found with hybrid search$/,
      ],
      ['get_paper', { id: 'no-such-paper' }, /^no paper with id "no-such-paper"/],
      [
        'recommend_papers',
        { liked: [diffusion, 'no-such-paper'] },
        /^the liked paper "no-such-paper" is not in the index; use the id a search result shows$/,
      ],
      ['recommend_papers', { liked: [] }, /liked must name at least one paper/],
      ['get_paper', {}, /id/],
      ['delete_papers', {}, /delete_papers not found/],
    ];
    for (const [tool, args, message] of cases) {
      const result = await call(tool, args);
      const text = textOf(result);
      expect(result.isError, `${tool} ${JSON.stringify(args)}: ${text}`).toBe(true);
      expect(text, `${tool} ${JSON.stringify(args)}`).toMatch(message);
      expect(text.split('\n'), `${tool} ${JSON.stringify(args)}`).toHaveLength(1);
    }
    const after = await call('get_paper', { id: diffusion });
    expect(after.isError).toBeFalsy();
    expect(connection.transportErrors).toEqual([]);
  });
});

/**
 * whats_new over a copy of the seed index (a library large enough for a new paper to clear the digest's bar)
 * with one watch kept beside it: the stdio CLI finds it in the folder, the app is given the same store.
 */
describe.each([
  ['stdio (the real CLI)', (folder: string) => connectStdio(folder)],
  [
    'Streamable HTTP (the real app at /mcp)',
    async (folder: string) => connectHttp(await seedEngine(), { watches: new WatchStore(folder) }),
  ],
])('whats_new over %s', (_, connect: (folder: string) => Promise<Connection>) => {
  const WATCHED = 'Unitree G1';
  /** Two core papers of the labelled query "diffusion policy": a liked set whose digest of every paper lists some. */
  const LIKED = [
    ...loadLabelledSet('tests/eval/seed-dev.json', 'seed-dev', seedIndex().allPapers()).queries.find((q) => q.id === 'q26')!.judgments,
  ]
    .filter(([, grade]) => grade === 3)
    .map(([id]) => id)
    .slice(0, 2);
  let folder: string;
  let digestApi: ReturnType<typeof createApp>;
  let connection: Connection;
  const whatsNew = async (args: Record<string, unknown>) =>
    (await connection.client.callTool({ name: 'whats_new', arguments: args })) as CallToolResult;
  const apiDigest = async (query: string) => {
    const response = await digestApi.request(`/api/digest${query}`);
    expect(response.status).toBe(200);
    return (await response.json()) as WireDigest;
  };

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'paper-search-mcp-watches-'));
    cpSync(inject('seedIndexDir'), folder, { recursive: true });
    const watches = new WatchStore(folder);
    await watches.add({ query: WATCHED });
    await watches.add({ liked: LIKED, name: 'diffusion set' });
    digestApi = createApp(await seedEngine(), { watches });
    connection = await connect(folder);
  });

  afterAll(async () => {
    await connection?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('answers what GET /api/digest answers for the kept watch, and as text: per watch its new papers and why', async () => {
    const result = await whatsNew({ since: '0' });
    expect(result.isError).toBeFalsy();
    const digest = result.structuredContent as WireDigest;
    expect(digest).toEqual(await apiDigest('?since=0'));
    const [watch] = digest.watches;
    expect(watch!.query).toBe(WATCHED);
    expect(watch!.papers.length).toBeGreaterThan(0);

    const likedSet = digest.watches[1]!;
    expect(likedSet).toMatchObject({ liked: LIKED, name: 'diffusion set' });
    expect(likedSet.papers.length).toBeGreaterThan(0);

    const text = textOf(result);
    expect(text.split('\n')[0]).toBe(`Watch "${WATCHED}" (id ${watch!.id}), new since generation 0:`);
    expect(text).toContain(
      `Watch "diffusion set": papers like ${LIKED.join(', ')} (id ${likedSet.id}), new since generation 0:\n1. ${likedSet.papers[0]!.title}`,
    );
    for (const { papers } of digest.watches)
      for (const [rank, paper] of papers.entries())
        expect(text).toContain(
          `${rank + 1}. ${paper.title}${paper.year === undefined ? '' : ` (${paper.year})`}\n   why: ${paper.why}\n   id: ${paper.id}`,
        );
    expect(text).toMatch(/why: closest to the liked paper ".+", as close as its 5 nearest papers/);
  });

  it('says plainly when nothing new matched the watch', async () => {
    const result = await whatsNew({});
    const digest = result.structuredContent as WireDigest;
    expect(digest).toEqual(await apiDigest(''));
    expect(digest.watches.map((watch) => watch.papers)).toEqual([[], []]);
    const [watch, likedSet] = digest.watches;
    expect(textOf(result)).toBe(
      `Watch "${WATCHED}" (id ${watch!.id}), new since ${watch!.since}:\n   nothing new matched this watch\n\n` +
        `Watch "diffusion set": papers like ${LIKED.join(', ')} (id ${likedSet!.id}), new since ${likedSet!.since}:\n   nothing new matched this watch`,
    );
  });

  it('refuses a since the API refuses, in one line', async () => {
    const result = await whatsNew({ since: 'yesterday' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/since must be an ISO date \(2026-01-31\)/);
    expect(textOf(result).split('\n')).toHaveLength(1);
  });
});

describe('whats_new where no watches are kept', () => {
  it('is a tool error of one line (an app given no index folder keeps none)', async () => {
    const connection = await connectHttp(engine);
    try {
      const result = (await connection.client.callTool({ name: 'whats_new', arguments: {} })) as CallToolResult;
      expect(result.isError).toBe(true);
      expect(textOf(result)).toBe('whats_new is not available here: this server keeps no watches (it serves no index folder)');
    } finally {
      await connection.close();
    }
  });
});
