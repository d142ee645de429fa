import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DigestSchema, type Watch, WatchListSchema, WatchSchema, type WireDigest } from '../../src/contract/schemas.js';
import { LIMITS } from '../../src/contract/values.js';
import { WATCHES_FILE, WatchStore } from '../../src/index/index.js';
import { type AppOptions, createApp } from '../../src/server/index.js';
import { acquireLock } from '../../src/storage/index.js';
import { loadLabelledSet } from '../eval/collections.js';
import { seedEngine, seedIndex } from '../support/seed-engine.js';

const TOKEN = 'test-token-0123456789abcdef';
/** Core papers of the labelled query "diffusion policy": a liked set whose digest of every paper lists some. */
const DIFFUSION_CORES = [
  ...loadLabelledSet('tests/eval/seed-dev.json', 'seed-dev', seedIndex().allPapers()).queries.find((query) => query.id === 'q26')!
    .judgments,
]
  .filter(([, grade]) => grade === 3)
  .map(([id]) => id);

let dir: string;
let app: ReturnType<typeof createApp>;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'paper-search-watch-api-'));
  app = await appWith();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function appWith(options: AppOptions = {}) {
  return createApp(await seedEngine(), { watches: new WatchStore(dir), ...options });
}

function post(body: unknown, headers: Record<string, string> = {}, on = app): Promise<Response> {
  return Promise.resolve(
    on.request('/api/watches', {
      method: 'POST',
      body: typeof body === 'string' ? body : JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...headers },
    }),
  );
}

async function listed(): Promise<Watch[]> {
  const response = await app.request('/api/watches');
  expect(response.status).toBe(200);
  return WatchListSchema.parse(await response.json()).watches;
}

async function expectError(response: Response, status: number, code: string, message?: string | RegExp): Promise<void> {
  expect(response.status).toBe(status);
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  if (message) expect(body.error.message).toMatch(message);
}

describe('/api/watches', () => {
  it('adds a watch (201), lists it, answers the same watch again with 200, and removes it (204)', async () => {
    const created = await post({ query: 'diffusion policies for manipulation', year_min: 2023 });
    expect(created.status).toBe(201);
    const watch = WatchSchema.parse(await created.json());
    expect(watch).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}$/),
      query: 'diffusion policies for manipulation',
      created_at: expect.any(String),
      year_min: 2023,
    });
    expect(Date.now() - Date.parse(watch.created_at)).toBeLessThan(60_000);
    expect(await listed()).toEqual([watch]);

    const again = await post({ query: 'Diffusion policies  for manipulation', year_min: '2023' });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(watch);

    const removed = await app.request(`/api/watches/${watch.id}`, { method: 'DELETE' });
    expect(removed.status).toBe(204);
    expect(await removed.text()).toBe('');
    expect(await listed()).toEqual([]);
    await expectError(
      await app.request(`/api/watches/${watch.id}`, { method: 'DELETE' }),
      404,
      'watch_not_found',
      `no watch with id "${watch.id}"`,
    );
  });

  it('keeps them in watches.json beside the index, where the CLI reads them', async () => {
    const watch = (await (await post({ query: 'tactile sensing', tag: 'cs.RO' })).json()) as Watch;
    expect(JSON.parse(readFileSync(join(dir, WATCHES_FILE), 'utf8'))).toEqual({ version: 1, watches: [watch] });
    expect(new WatchStore(dir).list()).toEqual([watch]);
  });

  it('keeps every watch of concurrent requests', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => post({ query: `topic ${i}` })));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(201));
    expect((await listed()).map((watch) => watch.query).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `topic ${i}`).sort());
  });

  it('waits for another writer of the watches rather than failing', async () => {
    const other = acquireLock(dir, 'watches', '.watches.lock');
    setTimeout(() => other.release(), 200);
    expect((await post({ query: 'legged locomotion' })).status).toBe(201);
  });

  it('checks the body by the contract: one line naming the field', async () => {
    await expectError(await post({}), 400, 'invalid_parameter', /^query or liked is required: a query to watch/);
    await expectError(await post({ query: '   ' }), 400, 'invalid_parameter', /^query must not be empty$/);
    await expectError(await post({ query: 'x'.repeat(LIMITS.passageChars + 1) }), 400, 'invalid_parameter', /^query must be at most/);
    await expectError(
      await post({ query: 'robots', colour: 'red' }),
      400,
      'invalid_parameter',
      /^unknown field "colour"; accepted: query, liked, disliked, name, year_min/,
    );
    await expectError(await post({ query: 'robots', year_min: 'recent' }), 400, 'invalid_parameter', /^year_min must be a year$/);
    await expectError(await post('{"query": '), 400, 'malformed_json');
    expect(await listed()).toEqual([]);
  });

  it('cannot be written by a cross-site form: a body not sent as JSON is refused (a JSON body needs a CORS preflight)', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])
      await expectError(await post('{"query": "robots"}', { 'content-type': type }), 415, 'unsupported_media_type');
    expect(await listed()).toEqual([]);
    const cross = await app.request('/api/watches', {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.example', 'access-control-request-method': 'DELETE' },
    });
    expect(cross.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('adds a liked set (201), finds it again in any order (200), lists it, and keeps its name', async () => {
    const [a, b, c] = DIFFUSION_CORES;
    const created = await post({ liked: [a, b], disliked: [c], name: 'my diffusion set', year_min: 2020 });
    expect(created.status).toBe(201);
    const watch = WatchSchema.parse(await created.json());
    expect(watch).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}$/),
      liked: [a, b],
      disliked: [c],
      name: 'my diffusion set',
      created_at: expect.any(String),
      year_min: 2020,
    });
    const again = await post({ liked: [b, a], disliked: [c], year_min: 2020 });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(watch);
    expect(await listed()).toEqual([watch]);
    // Another set, or the same with other filters, is another watch.
    expect((await post({ liked: [a] })).status).toBe(201);
    expect((await post({ liked: [a, b], disliked: [c] })).status).toBe(201);
  });

  it('refuses a liked set as /api/recommend does, and a watch that is neither or both kinds, in one line', async () => {
    const [a] = DIFFUSION_CORES;
    await expectError(
      await post({ liked: [a, 'no-such-paper'] }),
      400,
      'invalid_parameter',
      /^the liked paper "no-such-paper" is not in the index; use the id a search result shows$/,
    );
    await expectError(
      await post({ liked: [a], disliked: ['gone'] }),
      400,
      'invalid_parameter',
      /^the disliked paper "gone" is not in the index/,
    );
    await expectError(await post({ liked: [a], disliked: [a] }), 400, 'invalid_parameter', /is both liked and disliked/);
    await expectError(await post({ query: 'robots', liked: [a] }), 400, 'invalid_parameter', /^query and liked cannot both be given/);
    await expectError(await post({ liked: [] }), 400, 'invalid_parameter', /^liked must name at least one paper$/);
    await expectError(await post({ liked: 'x' }), 400, 'invalid_parameter', /^liked must be a list of paper ids/);
    await expectError(await post({ query: 'robots', disliked: [a] }), 400, 'invalid_parameter', /^disliked needs liked/);
    await expectError(await post({ query: 'robots', name: 'mine' }), 400, 'invalid_parameter', /^name is for a set of liked papers/);
    expect(await listed()).toEqual([]);
  });

  it(`answers 409 too_many_watches beyond ${LIMITS.watches}`, async () => {
    const store = new WatchStore(dir);
    for (let i = 0; i < LIMITS.watches; i++) await store.add({ query: `topic ${i}` });
    await expectError(await post({ query: 'one more' }), 409, 'too_many_watches', /remove one first/);
  });

  it('refuses a corrupt watches.json naming it, and leaves it as it is', async () => {
    const path = join(dir, WATCHES_FILE);
    writeFileSync(path, 'not json');
    const message = new RegExp(`^${path} is not a watches file \\(not valid JSON\\); fix it or move it aside`);
    await expectError(await app.request('/api/watches'), 500, 'watches_unreadable', message);
    await expectError(await post({ query: 'robots' }), 500, 'watches_unreadable', message);
    await expectError(await app.request('/api/watches/00000000', { method: 'DELETE' }), 500, 'watches_unreadable', message);
    expect(readFileSync(path, 'utf8')).toBe('not json');
  });

  it('follows the token rule of the whole API: with a token, reading and writing watches need it', async () => {
    const guarded = await appWith({ accessToken: TOKEN });
    const auth = { authorization: `Bearer ${TOKEN}` };
    await expectError(await post({ query: 'robots' }, {}, guarded), 401, 'unauthorized');
    await expectError(await guarded.request('/api/watches'), 401, 'unauthorized');
    const created = await post({ query: 'robots' }, auth, guarded);
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as Watch;
    await expectError(await guarded.request(`/api/watches/${id}`, { method: 'DELETE' }), 401, 'unauthorized');
    expect((await guarded.request(`/api/watches/${id}`, { method: 'DELETE', headers: auth })).status).toBe(204);
  });

  it('is answered only for loopback host names without a token, like the rest of the API', async () => {
    await expectError(await post({ query: 'robots' }, { host: 'evil.example' }), 403, 'forbidden_host');
    expect(await listed()).toEqual([]);
  });

  it('answers 405 with Allow for a method a watch path lacks', async () => {
    const answer = await app.request('/api/watches/00000000');
    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toBe('DELETE');
  });

  it('answers 404 on a server started without an index folder', async () => {
    const bare = createApp(await seedEngine());
    await expectError(await bare.request('/api/watches'), 404, 'not_found', /keeps no watches/);
  });

  it('is described in /openapi.json', async () => {
    const document = (await (await app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, { operationId: string }>>;
    };
    expect(document.paths['/api/watches']?.post?.operationId).toBe('createWatch');
    expect(document.paths['/api/watches']?.get?.operationId).toBe('listWatches');
    expect(document.paths['/api/watches/{id}']?.delete?.operationId).toBe('deleteWatch');
  });
});

describe('/api/digest', () => {
  const UNITREE = 'Unitree G1';
  const OFF_TOPIC = 'sourdough starter hydration and proofing times';

  async function digest(query = ''): Promise<WireDigest> {
    const response = await app.request(`/api/digest${query}`);
    expect(response.status, await response.clone().text()).toBe(200);
    return DigestSchema.parse(await response.json());
  }

  it('answers every watch, with nothing new since each was added (the index was built before)', async () => {
    expect(await digest()).toEqual({ generation: 1, watches: [] });
    const store = new WatchStore(dir);
    const unitree = (await store.add({ query: UNITREE })).watch;
    const offTopic = (await store.add({ query: OFF_TOPIC })).watch;
    expect(await digest()).toEqual({
      generation: 1,
      watches: [
        { id: unitree.id, query: UNITREE, since: unitree.created_at, papers: [] },
        { id: offTopic.id, query: OFF_TOPIC, since: offTopic.created_at, papers: [] },
      ],
    });
  });

  it('lists, since a generation or a date before the build, the papers that match well, each with why, as search results', async () => {
    const store = new WatchStore(dir);
    await store.add({ query: UNITREE });
    await store.add({ query: OFF_TOPIC });
    const answer = await digest('?since=0');
    expect(answer.since).toBe('0');
    const [unitree, offTopic] = answer.watches;
    expect(unitree!.since).toBe('0');
    expect(unitree!.papers.map((paper) => paper.title)).toEqual([
      'ASAP: Aligning Simulation and Real-World Physics for Learning Agile Humanoid Whole-Body Skills',
    ]);
    const [paper] = unitree!.papers;
    expect(paper!.matched_words).toEqual(expect.arrayContaining(['unitree', 'g1']));
    expect(paper!.why).toMatch(
      /^contains every term of the query; stands out among the whole library's matches \(score \d+\.\d\d, bar 2\.5\)$/,
    );
    expect(Date.parse(paper!.added_at)).toBeLessThan(Date.now());
    expect(offTopic!.papers).toEqual([]);
    expect((await digest('?since=2000-01-31')).watches.map((watch) => watch.papers.map((p) => p.id))).toEqual(
      answer.watches.map((watch) => watch.papers.map((p) => p.id)),
    );
  });

  it('lists the new papers of a liked set, never a liked one, each with the liked paper it is closest to', async () => {
    const store = new WatchStore(dir);
    const liked = DIFFUSION_CORES.slice(0, 2);
    const watch = (await store.add({ liked, name: 'diffusion' })).watch;
    const [entry] = (await digest('?since=0')).watches;
    expect(entry).toMatchObject({ id: watch.id, liked, name: 'diffusion', since: '0' });
    expect(entry!.query).toBeUndefined();
    expect(entry!.papers.length).toBeGreaterThan(0);
    const titles = liked.map((id) => seedIndex().paper(seedIndex().ordinalOf(id)!).title);
    for (const paper of entry!.papers) {
      expect(liked).not.toContain(paper.id);
      const closest = /^closest to the liked paper "(.+)", as close as its 5 nearest papers/.exec(paper.why)?.[1];
      expect(titles, paper.why).toContain(closest);
    }
    expect((await digest()).watches[0]!.papers).toEqual([]);
  });

  it('checks since: an ISO date, a date-time with its zone, or a generation, given once', async () => {
    const message =
      /^since must be an ISO date \(2026-01-31\), an ISO date-time with its zone \(2026-01-31T09:00:00Z\) or a build generation number \(3\)$/;
    for (const since of ['yesterday', '2026-13-45', '2026-01-31T09:00:00', '-1', '1.5'])
      await expectError(await app.request(`/api/digest?since=${encodeURIComponent(since)}`), 400, 'invalid_parameter', message);
    await expectError(await app.request('/api/digest?since=1&since=2'), 400, 'invalid_parameter', /^since must be given once$/);
    await expectError(await app.request('/api/digest?from=1'), 400, 'invalid_parameter', /^unknown parameter "from"; accepted: since$/);
    expect((await app.request('/api/digest?since=2026-01-31T09:00:00%2B02:00')).status).toBe(200);
  });

  it('searches, so it waits its turn with the other searching requests (503 busy when none is left)', async () => {
    const full = await appWith({ admission: { maxWorking: 0, maxWaiting: 0 } });
    await expectError(await full.request('/api/digest'), 503, 'busy');
  });

  it('needs the token when the server has one', async () => {
    const guarded = await appWith({ accessToken: TOKEN });
    await expectError(await guarded.request('/api/digest'), 401, 'unauthorized');
    expect((await guarded.request('/api/digest', { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });
});
