import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaperListQuerySchema, type WireAnswer, type WirePaperList } from '../../src/contract/schemas.js';
import { EXPORT_FORMATS, PAGE_SIZE, type ExportFormat } from '../../src/contract/values.js';
import { buildIndex, loadIndex, type PaperIndex } from '../../src/index/index.js';
import { Embedder } from '../../src/model/index.js';
import { exportPapers, readCorpus, type Paper } from '../../src/papers/index.js';
import { SearchEngine } from '../../src/search/index.js';
import { createApp } from '../../src/server/app.js';
import { paperToWire } from '../../src/search/index.js';
import { MODELS_DIR } from '../support/seed-engine.js';
import { ROBOTICS_LIBRARY } from '../support/robotics-library.js';

/**
 * The routes that answer with papers as files or pages, over a small library with full metadata in two
 * input files: `format` on every route that returns papers, the paper list, and /health's sources.
 * The papers carry no ids of their own, so ids come from their DOI, arXiv id or title, as they do
 * when a bibliography file is read back.
 */
const VISION = [
  {
    title: 'Contrastive pretraining of visual encoders',
    abstract: 'Image encoders pretrained with a contrastive objective transfer to detection and segmentation.',
    authors: ['Alan Turing', 'Grace Hopper'],
    year: 2023,
    venue: 'NeurIPS',
    tags: ['cs.CV'],
  },
  {
    title: 'Object detection in cluttered scenes',
    abstract: 'A detector finds partially hidden objects on crowded shelves.',
    authors: ['Kurt Gödel'],
    year: 2020,
    venue: 'Computer Vision and Pattern Recognition',
    tags: ['cs.CV', 'detection'],
    doi: '10.5555/detection.2020',
  },
  {
    title: 'Depth estimation from a single image',
    abstract: 'A network predicts metric depth from one photograph of an indoor scene.',
    authors: ['Emmy Noether'],
    year: 2019,
    venue: 'NeurIPS',
    tags: ['cs.CV'],
  },
  {
    title: 'Video prediction models for planning',
    abstract: 'A robot plans by imagining future video frames with a learned video prediction model.',
    authors: ['Ada Lovelace'],
    year: 2024,
    venue: 'NeurIPS',
    tags: ['cs.CV', 'cs.RO'],
  },
];

/** Every paper, newest first, then by title, the one without a year last: the list's order. */
const LISTED = [
  'Behaviour cloning from human videos',
  'Diffusion policies for dexterous manipulation',
  'Video prediction models for planning',
  'Contrastive pretraining of visual encoders',
  'Tactile sensing for robot grasping',
  'Legged locomotion with reinforcement learning',
  'Sim-to-real transfer for humanoid robots',
  'Object detection in cluttered scenes',
  'Depth estimation from a single image',
  'A survey of robot learning',
];

let dir: string;
let index: PaperIndex;
let engine: SearchEngine;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'paper-search-library-routes-'));
  const inputs = [
    ['robotics.jsonl', ROBOTICS_LIBRARY],
    ['vision.jsonl', VISION],
  ] as const;
  for (const [name, papers] of inputs) writeFileSync(join(dir, name), `${papers.map((paper) => JSON.stringify(paper)).join('\n')}\n`);
  const embedder = await Embedder.load({ modelsDir: MODELS_DIR });
  await buildIndex({ inputs: inputs.map(([name]) => join(dir, name)), outDir: join(dir, 'index'), embedder });
  index = await loadIndex(join(dir, 'index'));
  engine = new SearchEngine(index, embedder);
  app = createApp(engine);
});

afterAll(() => {
  index?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function json<T>(path: string): Promise<T> {
  const response = await app.request(path);
  expect(response.status, `${path}: ${await response.clone().text()}`).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(response.headers.get('content-disposition')).toBeNull();
  return (await response.json()) as T;
}

async function errorOf(path: string): Promise<{ code: string; message: string }> {
  const response = await app.request(path);
  expect(response.status, path).toBe(400);
  return ((await response.json()) as { error: { code: string; message: string } }).error;
}

const stored = (id: string): Paper => engine.paper(id) ?? expect.unreachable(`no paper ${id}`);
const idOf = (title: string): string =>
  engine.listPapers({ offset: 0, limit: 100 }).papers.find((paper) => paper.title === title)?.id ??
  expect.unreachable(`no paper titled ${title}`);

/** What a bibliography file must carry of a paper for its reader to give it back. */
function citable(paper: Paper) {
  const { id, title, abstract, authors, year, venue, doi, arxiv } = paper;
  return { id, title, abstract, authors, year, venue, doi, arxiv, tags: paper.tags && [...paper.tags].sort() };
}

/** Reads an exported file back with the product's own readers, as a user importing it would. */
async function readBack(body: string, extension: string, name: string): Promise<Paper[]> {
  const file = join(dir, `${name}${extension}`);
  writeFileSync(file, body);
  const { papers, skipped } = await readCorpus([file]);
  expect(skipped).toEqual([]);
  return papers;
}

/** The routes that return papers, each with a request that returns some, and the name its file is given. */
const ROUTES: Array<{ name: string; path: () => string; query: Record<string, string>; fileName: () => string }> = [
  { name: 'GET /api/search', path: () => '/api/search', query: { q: 'robot learning', k: '4' }, fileName: () => 'papers' },
  {
    name: 'GET /api/papers/{id}/similar',
    path: () => `/api/papers/${idOf('Tactile sensing for robot grasping')}/similar`,
    query: { k: '3', year_min: '2021' },
    fileName: () => 'papers',
  },
  {
    name: 'GET /api/papers/{id}',
    path: () => `/api/papers/${idOf('Diffusion policies for dexterous manipulation')}`,
    query: {},
    fileName: () => idOf('Diffusion policies for dexterous manipulation'),
  },
  { name: 'GET /api/papers', path: () => '/api/papers', query: { author: 'lovelace', limit: '3' }, fileName: () => 'papers' },
];

/** The ids of the papers a JSON answer returns, in order: an answer's results, a list's papers, or one paper. */
function idsIn(answer: WireAnswer | WirePaperList | Paper): string[] {
  if ('results' in answer) return answer.results.map((result) => result.id);
  if ('papers' in answer) return answer.papers.map((paper) => paper.id);
  return [answer.id];
}

describe('format=bibtex|csl-json|ris', () => {
  describe.each(ROUTES)('on $name', (route) => {
    it.each(EXPORT_FORMATS)('answers the same papers as a %s file that reads back as them', async (format: ExportFormat) => {
      const ids = idsIn(await json(`${route.path()}?${new URLSearchParams(route.query)}`));
      expect(ids.length, 'precondition: the route returns papers').toBeGreaterThan(0);
      const papers = ids.map(stored);
      const expected = exportPapers(papers, format);

      const response = await app.request(`${route.path()}?${new URLSearchParams({ ...route.query, format })}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe(expected.contentType);
      expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${route.fileName()}${expected.extension}"`);
      const body = await response.text();
      expect(body).toBe(expected.body);
      expect((await readBack(body, expected.extension, `${route.fileName()}-${format}`)).map(citable)).toEqual(papers.map(citable));
    });
  });

  it("names each file's media type in the OpenAPI document, beside the JSON answer", async () => {
    const doc = await json<{
      paths: Record<
        string,
        Record<string, { responses: Record<string, { content: Record<string, unknown>; headers?: Record<string, unknown> }> }>
      >;
    }>('/openapi.json');
    const mediaTypes = EXPORT_FORMATS.map((format) => exportPapers([], format).contentType.split(';')[0]);
    for (const path of ['/api/search', '/api/papers/{id}/similar', '/api/papers/{id}', '/api/papers']) {
      const ok = doc.paths[path]?.get?.responses['200'];
      expect(Object.keys(ok?.content ?? {}), path).toEqual(['application/json', ...mediaTypes]);
      expect(ok?.headers, path).toHaveProperty('Content-Disposition');
    }
    const similarToText = doc.paths['/api/similar']?.post?.responses['200'];
    expect(Object.keys(similarToText?.content ?? {})).toEqual(['application/json', ...mediaTypes]);
    expect(similarToText?.headers).toHaveProperty('Content-Disposition');
  });

  it.each(EXPORT_FORMATS)(
    'POST /api/similar with "format": %s answers the same papers as a file that reads back as them',
    async (format: ExportFormat) => {
      const post = (body: object) =>
        app.request('/api/similar', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const request = { text: 'Robot hands learn to manipulate tools from demonstrations and tactile feedback.', k: 4, year_min: 2022 };
      const answer = await post(request);
      expect(answer.status).toBe(200);
      const papers = idsIn((await answer.json()) as WireAnswer).map(stored);
      expect(papers.length, 'precondition: the route returns papers').toBeGreaterThan(0);
      const expected = exportPapers(papers, format);

      const response = await post({ ...request, format });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe(expected.contentType);
      expect(response.headers.get('content-disposition')).toBe(`attachment; filename="papers${expected.extension}"`);
      const body = await response.text();
      expect(body).toBe(expected.body);
      expect((await readBack(body, expected.extension, `similar-text-${format}`)).map(citable)).toEqual(papers.map(citable));
    },
  );

  it('POST /api/similar refuses an unknown format, naming the accepted ones', async () => {
    const response = await app.request('/api/similar', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'robots', format: 'docx' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: { code: 'invalid_parameter', message: `format must be one of ${EXPORT_FORMATS.join(', ')}` },
    });
  });

  it('is judged like any parameter, and errors stay JSON', async () => {
    expect(await errorOf('/api/search?q=robots&format=pdf')).toEqual({
      code: 'invalid_parameter',
      message: 'format must be one of bibtex, csl-json, ris',
    });
    expect(await errorOf('/api/papers?format=BibTeX')).toEqual({
      code: 'invalid_parameter',
      message: 'format must be one of bibtex, csl-json, ris',
    });
    expect(await errorOf('/api/search?q=robots&format=bibtex&format=ris')).toEqual({
      code: 'invalid_parameter',
      message: 'format must be given once',
    });
    const missing = await app.request('/api/papers/no-such-paper?format=bibtex');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/json/);
    expect(missing.headers.get('content-disposition')).toBeNull();
  });

  it('exports an empty answer as an empty file', async () => {
    const response = await app.request('/api/search?q=robots&year_min=2030&format=ris');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(exportPapers([], 'ris').body);
  });
});

describe('GET /api/papers', () => {
  const titles = (list: WirePaperList) => list.papers.map((paper) => paper.title);

  it("lists every paper newest first, then by title, the ones without a year last, in the paper's wire form", async () => {
    const list = await json<WirePaperList>('/api/papers');
    expect(Object.keys(list)).toEqual(['total', 'offset', 'limit', 'papers']);
    expect(list).toMatchObject({ total: 10, offset: 0, limit: PAGE_SIZE.default });
    expect(titles(list)).toEqual(LISTED);
    expect(list.papers).toEqual(list.papers.map((paper) => paperToWire(stored(paper.id))));
    expect(list.papers[1]).toMatchObject({
      authors: ['Ada Lovelace', 'José Álvarez'],
      year: 2024,
      venue: 'Conference on Robot Learning',
      url: 'https://doi.org/10.5555/diffusion.2024',
    });
  });

  it('pages with offset and limit, and counts every paper in total', async () => {
    expect(titles(await json<WirePaperList>('/api/papers?offset=0&limit=3'))).toEqual(LISTED.slice(0, 3));
    const middle = await json<WirePaperList>('/api/papers?offset=3&limit=4');
    expect(middle).toMatchObject({ total: 10, offset: 3, limit: 4 });
    expect(titles(middle)).toEqual(LISTED.slice(3, 7));
    expect(titles(await json<WirePaperList>('/api/papers?offset=9&limit=4'))).toEqual(LISTED.slice(9));
    const past = await json<WirePaperList>('/api/papers?offset=50');
    expect(past).toEqual({ total: 10, offset: 50, limit: PAGE_SIZE.default, papers: [] });
    expect(titles(await json<WirePaperList>(`/api/papers?limit=${PAGE_SIZE.max}`))).toEqual(LISTED);
  });

  it.each([
    ['year_min=2023&year_max=2023', ['Contrastive pretraining of visual encoders', 'Tactile sensing for robot grasping']],
    ['year_max=2020', ['Object detection in cluttered scenes', 'Depth estimation from a single image']],
    [
      'author=lovelace',
      [
        'Diffusion policies for dexterous manipulation',
        'Video prediction models for planning',
        'Legged locomotion with reinforcement learning',
        'A survey of robot learning',
      ],
    ],
    ['author=Alvarez', ['Diffusion policies for dexterous manipulation']],
    [
      'venue=neurips',
      ['Video prediction models for planning', 'Contrastive pretraining of visual encoders', 'Depth estimation from a single image'],
    ],
    ['tag=CS.CV&year_min=2024', ['Video prediction models for planning']],
    ['author=lovelace&year_min=2023&tag=cs.RO', ['Diffusion policies for dexterous manipulation', 'Video prediction models for planning']],
    ['author=nobody', []],
  ])('keeps the papers the filters keep (%s), and counts them in total', async (filter, expected) => {
    const list = await json<WirePaperList>(`/api/papers?${filter}&limit=2`);
    expect(list.total).toBe(expected.length);
    expect(titles(list)).toEqual(expected.slice(0, 2));
    expect(titles(await json<WirePaperList>(`/api/papers?${filter}`))).toEqual(expected);
  });

  it.each([
    ['limit=0', 'limit must be at least 1'],
    [`limit=${PAGE_SIZE.max + 1}`, `limit must be at most ${PAGE_SIZE.max}`],
    ['limit=ten', 'limit must be a whole number'],
    ['offset=-1', 'offset must be at least 0'],
    ['offset=1.5', 'offset must be a whole number'],
    ['offset=1&offset=2', 'offset must be given once'],
    ['year_min=recent', 'year_min must be a year'],
    ['author=', 'author must not be empty'],
    ['q=robots', `unknown parameter "q"; accepted: ${Object.keys(PaperListQuerySchema.shape).join(', ')}`],
  ])('answers %s with a 400 saying what is wrong', async (query, message) => {
    expect(await errorOf(`/api/papers?${query}`)).toEqual({ code: 'invalid_parameter', message });
  });

  it('is a GET only, and /api/papers/ is no route', async () => {
    const post = await app.request('/api/papers', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect((await app.request('/api/papers/')).status).toBe(404);
  });
});

describe('GET /health', () => {
  it('reports the papers of each input file, by file name', async () => {
    const health = await json<{ papers: number; sources: Array<{ source: string; papers: number }> }>('/health');
    expect(health.papers).toBe(10);
    expect([...health.sources].sort((a, b) => a.source.localeCompare(b.source))).toEqual([
      { source: 'robotics.jsonl', papers: ROBOTICS_LIBRARY.length },
      { source: 'vision.jsonl', papers: VISION.length },
    ]);
  });
});
