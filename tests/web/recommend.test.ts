import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RECOMMEND_MODES, RECOMMEND_SCORE_HINT } from '../../src/contract/values.js';
import { WatchStore } from '../../src/index/index.js';
import type { SearchEngine } from '../../src/search/index.js';
import { seedEngine } from '../support/seed-engine.js';
import {
  answerTo,
  apiAnswer,
  launchChromium,
  screenshotPath,
  search,
  settled,
  startServer,
  type Browser,
  type RunningServer,
  type Watched,
  watchedPage,
} from './browser.js';

const QUESTION = 'robot imitation from video';
const MARKS_KEY = 'paper-search.marks';

let engine: SearchEngine;
let server: RunningServer;
let browser: Browser;
let current: Watched | undefined;
/** Console lines a test expects (a 400 logs "Failed to load resource"); anything else fails it. */
let expectedConsole: RegExp | undefined;
/** Where downloaded marks files are saved. */
let scratch: string;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'paper-search-web-marks-'));
  engine = await seedEngine();
  server = await startServer(engine, { watches: new WatchStore(scratch) });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

afterEach(async () => {
  const watched = current;
  current = undefined;
  const allowed = expectedConsole;
  expectedConsole = undefined;
  if (!watched) return;
  // Marks live in the browser profile the tests share: each test starts without any.
  await watched.page.evaluate(() => localStorage.clear());
  await watched.page.close();
  expect(watched.errors.filter((line) => !allowed?.test(line))).toEqual([]);
  expect(watched.dialogs).toEqual([]);
});

async function open(path = '/'): Promise<Watched> {
  current = await watchedPage(browser.context);
  await current.page.goto(server.url + path);
  await settled(current.page);
  await recommendationsSettled(current.page);
  return current;
}

async function recommendationsSettled(page: Page): Promise<void> {
  await page.waitForFunction(() => document.getElementById('recommendations')?.getAttribute('aria-busy') === 'false');
}

/** Runs an action that changes the marks and waits for the recommendations it asks for. */
async function recommendedAfter(page: Page, action: () => Promise<unknown>): Promise<void> {
  const answered = page.waitForResponse((response) => new URL(response.url()).pathname === '/api/recommend');
  await action();
  await answered;
  await recommendationsSettled(page);
}

const recommendedIds = (page: Page) => page.locator('#recommended .actions .id').allTextContents();
const storedMarks = (page: Page) =>
  page.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? 'null'), MARKS_KEY) as Promise<{
    liked: Array<{ id: string; title: string }>;
    disliked: Array<{ id: string; title: string }>;
  } | null>;
const likeButton = (page: Page, list: string, index: number) => page.locator(`${list} > li`).nth(index).locator('button.mark.liked');

describe('marks and "Recommended for you"', () => {
  it('likes two papers and recommends others, never them, as the API does; the marks survive a reload', async () => {
    const { page } = await open();
    expect(await page.locator('#recommendations-status').textContent()).toMatch(/Press “Like” on papers you like/);
    expect(await page.locator('#recommended > li').count()).toBe(0);
    await answerTo(page, /^\/api\/search$/, () => search(page, QUESTION));

    const ids = await page.locator('#results .actions .id').allTextContents();
    const liked = ids.slice(0, 2);
    await recommendedAfter(page, () => likeButton(page, '#results', 0).click());
    await recommendedAfter(page, () => likeButton(page, '#results', 1).click());
    expect(await likeButton(page, '#results', 0).getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('#results > li').nth(2).locator('button.mark.liked').getAttribute('aria-pressed')).toBe('false');

    const recommended = await recommendedIds(page);
    expect(recommended).toHaveLength(10);
    for (const id of liked) expect(recommended).not.toContain(id);
    const api = await apiAnswer(server, '/api/recommend', { liked });
    expect(api.mode).toBe(RECOMMEND_MODES[0]);
    expect(recommended).toEqual(api.results.map((result) => result.id));
    expect(await page.locator('#recommendations-status').textContent()).toBe('10 papers like 2 liked papers.');
    expect(await page.locator('#marks-count').textContent()).toBe('2');
    expect(await page.locator('#recommended .score').first().getAttribute('title')).toBe(RECOMMEND_SCORE_HINT);
    expect((await storedMarks(page))?.liked.map((paper) => paper.id)).toEqual(liked);
    await page.screenshot({ path: screenshotPath('recommendations'), fullPage: true });

    // A recommended paper's "Cite" copies its BibTeX entry, as a result's does.
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const firstRecommended = page.locator('#recommended > li').first();
    await firstRecommended.locator('button.cite').click();
    await expect.poll(() => firstRecommended.locator('.cite-status').textContent()).toBe('Copied');
    const entry = await (await fetch(`${server.url}/api/papers/${encodeURIComponent(recommended[0]!)}?format=bibtex`)).text();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(entry);

    await page.reload();
    await settled(page);
    await recommendationsSettled(page);
    expect(await recommendedIds(page)).toEqual(recommended);
    expect(await likeButton(page, '#results', 0).getAttribute('aria-pressed')).toBe('true');
  });

  it('drops a paper marked "not for me" from the recommendations, and a removed mark from the list', async () => {
    const { page } = await open(`/?q=${encodeURIComponent(QUESTION)}`);
    await recommendedAfter(page, () => likeButton(page, '#results', 0).click());
    const [first] = await recommendedIds(page);
    const dislike = page.locator('#recommended > li').first().locator('button.mark.disliked');
    expect(await dislike.getAttribute('aria-label')).toMatch(/^Not for me: /);
    await recommendedAfter(page, () => dislike.click());
    expect(await recommendedIds(page)).not.toContain(first);
    expect(await page.locator('#recommendations-status').textContent()).toBe(
      '10 papers like 1 liked paper, and unlike 1 paper “not for me”.',
    );
    expect((await storedMarks(page))?.disliked.map((paper) => paper.id)).toEqual([first]);

    // Liking it instead moves it to the other list; "Remove" forgets it.
    await page.locator('#marks summary').click();
    expect(await page.locator('#marks-list li').allTextContents()).toEqual([
      expect.stringMatching(/^Liked /),
      expect.stringMatching(/^Not for me /),
    ]);
    await recommendedAfter(page, () => page.locator('#marks-list li.disliked button.unmark').click());
    expect((await storedMarks(page))?.disliked).toEqual([]);
    expect(await page.locator('#marks-count').textContent()).toBe('1');
    // Unliking the last liked paper leaves nothing to recommend from.
    await likeButton(page, '#results', 0).click();
    await page.waitForFunction(() => document.querySelectorAll('#recommended > li').length === 0);
    expect(await page.locator('#recommendations-status').textContent()).toMatch(/Press “Like”/);
    expect(await page.locator('#marks').isHidden()).toBe(true);
  });

  it('exports the marks as a JSON file and imports them back into another browser profile', async () => {
    const { page } = await open(`/?q=${encodeURIComponent(QUESTION)}`);
    await recommendedAfter(page, () => likeButton(page, '#results', 0).click());
    await recommendedAfter(page, () => page.locator('#results > li').nth(3).locator('button.mark.disliked').click());
    const marks = await storedMarks(page);

    const download = page.waitForEvent('download');
    await page.locator('#export-marks').click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('paper-search-marks.json');
    const path = join(scratch, file.suggestedFilename());
    await file.saveAs(path);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(marks);

    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await settled(page);
    await recommendationsSettled(page);
    expect(await page.locator('#recommended > li').count()).toBe(0);
    await recommendedAfter(page, () => page.locator('#import-marks').setInputFiles(path));
    expect(await storedMarks(page)).toEqual(marks);
    expect(await page.locator('#recommendations-status').textContent()).toBe(
      'Imported 2 marks from paper-search-marks.json. 10 papers like 1 liked paper, and unlike 1 paper “not for me”.',
    );
    expect(await page.locator('#results > li').nth(3).locator('button.mark.disliked').getAttribute('aria-pressed')).toBe('true');

    await page.locator('#import-marks').setInputFiles({ name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('[1, 2]') });
    await page.waitForFunction(() => document.getElementById('recommendations-status')?.textContent?.startsWith('notes.json is not'));
    expect(await storedMarks(page)).toEqual(marks);
  });

  it('forgets a marked paper the index no longer has, and says so', async () => {
    expectedConsole = /Failed to load resource: the server responded with a status of 400/;
    const [paper] = engine.listPapers({ offset: 0, limit: 1 }).papers;
    current = await watchedPage(browser.context);
    const { page } = current;
    const stale = {
      liked: [
        { id: 'removed-by-a-rebuild', title: 'A paper that was removed' },
        { id: paper!.id, title: paper!.title },
      ],
      disliked: [],
    };
    // Stored before the page's script runs, as a visit after a rebuild finds it.
    await page.addInitScript(([key, marks]) => localStorage.setItem(key!, marks!), [MARKS_KEY, JSON.stringify(stale)]);
    await page.goto(server.url);
    await page.waitForFunction(() => document.querySelectorAll('#recommended > li').length > 0);
    await recommendationsSettled(page);
    expect(await page.locator('#recommendations-status').textContent()).toBe(
      'Forgot “A paper that was removed”: the index no longer has it. 10 papers like 1 liked paper.',
    );
    expect((await storedMarks(page))?.liked.map((marked) => marked.id)).toEqual([paper!.id]);
  });
});

describe('"Recommended for you" with the page\'s filters, and saved as a watch', () => {
  /** Opens `path` with one liked paper stored before the page's script runs; resolves once its first recommendations are shown. */
  async function openLiking(path: string, paper: { id: string; title: string }): Promise<{ page: Page; firstBody: unknown }> {
    current = await watchedPage(browser.context);
    const { page } = current;
    await page.addInitScript(
      ([key, marks]) => localStorage.setItem(key!, marks!),
      [MARKS_KEY, JSON.stringify({ liked: [paper], disliked: [] })],
    );
    const asked = page.waitForRequest((request) => new URL(request.url()).pathname === '/api/recommend');
    const answered = page.waitForResponse((response) => new URL(response.url()).pathname === '/api/recommend');
    await page.goto(server.url + path);
    const firstBody = (await asked).postDataJSON();
    await answered;
    await recommendationsSettled(page);
    return { page, firstBody };
  }

  const likedPaper = async () => {
    const [hit] = (await engine.search(QUESTION, { k: 1 })).hits;
    return { id: hit!.paper.id, title: hit!.paper.title };
  };

  it('asks for recommendations within the filters set on the page, as the search results are', async () => {
    const paper = await likedPaper();
    const { page, firstBody } = await openLiking(`/?q=${encodeURIComponent(QUESTION)}&year_min=2024`, paper);
    // The very first request carries the filters: none is asked without them.
    expect(firstBody).toEqual({ liked: [paper.id], year_min: '2024' });
    const api = await apiAnswer(server, '/api/recommend', { liked: [paper.id], year_min: 2024 });
    const unfiltered = await apiAnswer(server, '/api/recommend', { liked: [paper.id] });
    expect(api.results.map((result) => result.id)).not.toEqual(unfiltered.results.map((result) => result.id));
    expect(await recommendedIds(page)).toEqual(api.results.map((result) => result.id));
    for (const year of await page.locator('#recommended .meta .year').allTextContents()) expect(Number(year)).toBeGreaterThanOrEqual(2024);
    expect(await page.locator('#recommendations-status').textContent()).toBe(
      `${api.results.length} papers like 1 liked paper. Only papers from 2024 on.`,
    );

    // A filter changed on the page asks again, with it.
    const again = page.waitForRequest((request) => new URL(request.url()).pathname === '/api/recommend');
    await page.locator('#filter-year_max').fill('2024');
    await page.locator('#filter-year_max').press('Enter');
    expect((await again).postDataJSON()).toEqual({ liked: [paper.id], year_min: '2024', year_max: '2024' });
  });

  it('saves the likes, with the filters, as a watch that "New for you" then lists', async () => {
    const paper = await likedPaper();
    const { page } = await openLiking('/?year_min=2024', paper);
    expect(await page.locator('#digest').isHidden()).toBe(true);
    const save = page.locator('#watch-likes');
    expect(await save.isVisible()).toBe(true);

    const saved = page.waitForResponse((response) => new URL(response.url()).pathname === '/api/watches');
    await save.click();
    const response = await saved;
    expect(response.status()).toBe(201);
    expect(response.request().postDataJSON()).toEqual({ liked: [paper.id], year_min: '2024' });
    await page.waitForFunction(() => document.getElementById('recommendations-status')?.textContent?.startsWith('Watching'));
    expect(await page.locator('#recommendations-status').textContent()).toBe(
      'Watching: new papers like your 1 liked paper will show under “New for you” on the start page.',
    );
    expect(new WatchStore(scratch).list()).toEqual([
      { id: expect.stringMatching(/^[0-9a-f]{8}$/), liked: [paper.id], year_min: 2024, created_at: expect.any(String) },
    ]);
    // "New for you" now asks for the digest and names the set by the liked paper's title.
    await page.waitForFunction(() => document.querySelector('#digest .watch-query') !== null);
    expect(await page.locator('#digest .watch-query').textContent()).toBe(`Papers like “${paper.title}”`);
    expect(await page.locator('#digest').isVisible()).toBe(true);

    const savedAgain = page.waitForResponse((response) => new URL(response.url()).pathname === '/api/watches');
    await save.click();
    expect((await savedAgain).status()).toBe(200);
    await page.waitForFunction(() => document.getElementById('recommendations-status')?.textContent?.startsWith('Already'));
    expect(await page.locator('#recommendations-status').textContent()).toBe('Already watching papers like your 1 liked paper.');
  });
});
