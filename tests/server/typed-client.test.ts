import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Health, Watch, WireAnswer, WireDigest, WirePaper, WirePaperList } from '../../src/contract/schemas.js';
import { WatchStore } from '../../src/index/index.js';
import type { Paper } from '../../src/papers/index.js';
import type { SearchEngine } from '../../src/search/index.js';
import { createApp } from '../../src/server/app.js';
import { seedEngine, seedIndex } from '../support/seed-engine.js';

/**
 * The OpenAPI document and the server cannot drift apart: types generated from the app's own
 * /openapi.json must type-check a client that calls every operation (and reject a wrong call), and
 * that same client, through openapi-fetch, must get the answers the types promise from the real app.
 */

/** A client written against the generated types only; tsc checks it, then the test runs it. */
const CLIENT = `import createClient from 'openapi-fetch';
import type { components, paths } from './api.js';

type SearchAnswer = components['schemas']['SearchAnswer'];
type Paper = components['schemas']['Paper'];
type PaperList = components['schemas']['PaperList'];
type Health = components['schemas']['Health'];
type ApiError = components['schemas']['Error'];
type Watch = components['schemas']['Watch'];
type Digest = components['schemas']['Digest'];

// Routes that can answer with a bibliography file list its media types too; this client reads JSON.
export type Client = ReturnType<typeof createClient<paths, 'application/json'>>;

export function apiClient(fetch: (request: Request) => Promise<Response>): Client {
  return createClient<paths, 'application/json'>({ baseUrl: 'http://127.0.0.1:3000', fetch });
}

export interface Answers {
  search: SearchAnswer | undefined;
  searchDefaults: SearchAnswer | undefined;
  similarToText: SearchAnswer | undefined;
  paper: Paper | undefined;
  similarToPaper: SearchAnswer | undefined;
  list: PaperList | undefined;
  citation: string | undefined;
  health: Health | undefined;
  unknownPaper: ApiError | undefined;
  badK: ApiError | undefined;
  watch: Watch | undefined;
  watches: Watch[] | undefined;
  digest: Digest | undefined;
  statuses: number[];
}

/** Every operation, with only what the document allows; k and mode may be left out. */
export async function callEveryOperation(client: Client, paperId: string): Promise<Answers> {
  const search = await client.GET('/api/search', { params: { query: { q: 'robot imitation from video', k: 3, mode: 'lexical' } } });
  const searchDefaults = await client.GET('/api/search', { params: { query: { q: 'diffusion policy' } } });
  const similarToText = await client.POST('/api/similar', { body: { text: 'Humanoid robots learn whole-body skills by imitating human motion.', k: 4 } });
  const paper = await client.GET('/api/papers/{id}', { params: { path: { id: paperId } } });
  const similarToPaper = await client.GET('/api/papers/{id}/similar', { params: { path: { id: paperId }, query: { k: 5 } } });
  const list = await client.GET('/api/papers', { params: { query: { offset: 2, limit: 3 } } });
  const citation = await client.GET('/api/papers/{id}', { params: { path: { id: paperId }, query: { format: 'bibtex' } }, parseAs: 'text' });
  const health = await client.GET('/health');
  const unknownPaper = await client.GET('/api/papers/{id}', { params: { path: { id: 'no-such-paper-00000000' } } });
  const badK = await client.GET('/api/search', { params: { query: { q: 'robots', k: 0 } } });
  const watch = await client.POST('/api/watches', { body: { query: 'Unitree G1' } });
  const watches = await client.GET('/api/watches');
  const digest = await client.GET('/api/digest', { params: { query: { since: '0' } } });
  const unwatched = await client.DELETE('/api/watches/{id}', { params: { path: { id: watch.data?.id ?? '' } } });
  // What the types promise about the answers (tsc fails here if the document stops saying so).
  const matchedWords: string[] | undefined = search.data?.results[0]?.matched_words;
  const year: number | undefined = paper.data?.year;
  const precision: string | undefined = health.data?.precision;
  const sourcePapers: number | undefined = health.data?.sources[0]?.papers;
  const total: number | undefined = list.data?.total;
  const code: string | undefined = unknownPaper.error?.error.code;
  const why: string | undefined = digest.data?.watches[0]?.papers[0]?.why;
  const generation: number | undefined = digest.data?.generation;
  return {
    search: search.data,
    searchDefaults: searchDefaults.data,
    similarToText: similarToText.data,
    paper: paper.data,
    similarToPaper: similarToPaper.data,
    list: list.data,
    citation: citation.data,
    health: health.data,
    unknownPaper: unknownPaper.error,
    badK: badK.error,
    watch: watch.data,
    watches: watches.data?.watches,
    digest: digest.data,
    statuses: [search, searchDefaults, similarToText, paper, similarToPaper, list, citation, health, unknownPaper, badK, watch, watches, digest, unwatched].map((answer) => answer.response.status),
  };
}

/** Calls the document does not allow: each must be a type error, or tsc reports an unused directive. */
export async function wrongCalls(client: Client): Promise<void> {
  // @ts-expect-error mode is one of hybrid, dense or lexical
  await client.GET('/api/search', { params: { query: { q: 'robots', mode: 'fuzzy' } } });
  // @ts-expect-error q is required
  await client.GET('/api/search', { params: { query: { k: 3 } } });
  // @ts-expect-error a watch's liked papers are a list of ids (that it needs a query or liked papers is checked by the API: a 400)
  await client.POST('/api/watches', { body: { liked: 'one-id' } });
  // @ts-expect-error a watch is removed by its id
  await client.DELETE('/api/watches/{id}', {});
  // @ts-expect-error the body needs text
  await client.POST('/api/similar', { body: { k: 3 } });
  // @ts-expect-error similar papers take no mode: they are always hybrid
  await client.GET('/api/papers/{id}/similar', { params: { path: { id: 'x' }, query: { mode: 'dense' } } });
  // @ts-expect-error no such route
  await client.GET('/api/paper');
  // @ts-expect-error format is one of bibtex, csl-json or ris
  await client.GET('/api/papers', { params: { query: { format: 'pdf' } } });
  // @ts-expect-error the paper list is not ranked: it takes no k
  await client.GET('/api/papers', { params: { query: { k: 3 } } });
  const answer = await client.GET('/health');
  // @ts-expect-error papers is a number
  const papers: string | undefined = answer.data?.papers;
}
`;

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2022', 'DOM'],
    types: [],
    strict: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: true,
    noEmit: true,
  },
  include: ['*.ts'],
};

/** What the test needs of the generated client module, in the server's own contract types. */
interface GeneratedClient {
  apiClient(fetch: (request: Request) => Promise<Response>): unknown;
  callEveryOperation(
    client: unknown,
    paperId: string,
  ): Promise<{
    search?: WireAnswer;
    searchDefaults?: WireAnswer;
    similarToText?: WireAnswer;
    paper?: WirePaper;
    similarToPaper?: WireAnswer;
    list?: WirePaperList;
    citation?: string;
    health?: Health;
    unknownPaper?: unknown;
    badK?: unknown;
    watch?: Watch;
    watches?: Watch[];
    digest?: WireDigest;
    statuses: number[];
  }>;
}

let dir: string;
let engine: SearchEngine;
let paper: Paper;

beforeAll(async () => {
  engine = await seedEngine();
  paper = seedIndex().allPapers()[0]!;
  dir = mkdtempSync(join(tmpdir(), 'paper-search-typed-client-'));
  // The client imports openapi-fetch: resolve it from this project's packages.
  symlinkSync(resolve('node_modules'), join(dir, 'node_modules'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(TSCONFIG));
  writeFileSync(join(dir, 'client.ts'), CLIENT);
  const document = await (await createApp(engine).request('/openapi.json')).json();
  writeFileSync(join(dir, 'api.ts'), astToString(await openapiTS(document)));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a client generated from /openapi.json', () => {
  it('type-checks a call of every operation, and rejects calls the document does not allow', () => {
    const tsc = spawnSync(process.execPath, [resolve('node_modules/typescript/bin/tsc'), '-p', dir], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  });

  it('gets from the real app, through openapi-fetch, the answers its types describe', async () => {
    const { apiClient, callEveryOperation } = (await import(join(dir, 'client.ts'))) as GeneratedClient;
    const app = createApp(engine, { watches: new WatchStore(dir) });
    const answers = await callEveryOperation(
      apiClient((request) => Promise.resolve(app.fetch(request))),
      paper.id,
    );

    expect(answers.statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 404, 400, 201, 200, 200, 204]);
    expect(answers.watch).toMatchObject({ query: 'Unitree G1' });
    expect(answers.watches).toEqual([answers.watch]);
    expect(answers.digest?.watches[0]?.papers[0]?.title).toMatch(/^ASAP: /);
    expect(answers.search).toMatchObject({ query: 'robot imitation from video', mode: 'lexical' });
    expect(answers.search?.results).toHaveLength(3);
    expect(answers.search?.results[0]?.matched_words.length).toBeGreaterThan(0);
    expect(answers.searchDefaults).toMatchObject({ mode: 'hybrid' });
    expect(answers.searchDefaults?.results).toHaveLength(10);
    expect(answers.similarToText?.results).toHaveLength(4);
    expect(answers.paper).toMatchObject({ id: paper.id, title: paper.title, abstract: paper.abstract });
    expect(answers.similarToPaper).toMatchObject({ query: paper.id, mode: 'hybrid' });
    expect(answers.similarToPaper?.results.map((result) => result.id)).toHaveLength(5);
    expect(answers.similarToPaper?.results.map((result) => result.id)).not.toContain(paper.id);
    expect(answers.list).toMatchObject({ total: 237, offset: 2, limit: 3 });
    expect(answers.list?.papers.map((listed) => listed.id)).toEqual(
      engine.listPapers({ offset: 2, limit: 3 }).papers.map((listed) => listed.id),
    );
    expect(answers.citation).toMatch(/^@\w+\{[^,]+,\n {2}title = \{/);
    expect(answers.health).toMatchObject({
      status: 'ok',
      papers: 237,
      model: engine.describe().model,
      precision: engine.describe().precision,
      sources: engine.describe().sources,
    });
    expect(answers.unknownPaper).toEqual({ error: { code: 'paper_not_found', message: 'no paper with id "no-such-paper-00000000"' } });
    expect(answers.badK).toEqual({ error: { code: 'invalid_parameter', message: 'k must be at least 1' } });
  });
});
