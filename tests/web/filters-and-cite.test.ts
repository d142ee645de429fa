import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PaperListQuerySchema } from '../../src/contract/schemas.js';
import { buildIndex, loadIndex, type PaperIndex } from '../../src/index/index.js';
import { Embedder } from '../../src/model/index.js';
import { SearchEngine } from '../../src/search/index.js';
import { FILTERS } from '../../src/web/filters.js';
import { MODELS_DIR } from '../support/seed-engine.js';
import {
  answerTo,
  apiAnswer,
  launchChromium,
  screenshotPath,
  searchParams,
  settled,
  startServer,
  titlesOf,
  titlesOn,
  watchedPage,
  type Browser,
  type RunningServer,
  type Watched,
} from './browser.js';
import { ROBOTICS_LIBRARY } from '../support/robotics-library.js';

/** A small library with years, authors, venues and tags, so that every filter keeps some papers and drops others. */
const LIBRARY = [
  ...ROBOTICS_LIBRARY,
  {
    title: 'Contrastive pretraining of visual encoders for robots',
    abstract: 'Image encoders pretrained with a contrastive objective help robots recognise objects.',
    authors: ['Alan Turing', 'Grace Hopper'],
    year: 2023,
    venue: 'NeurIPS',
    tags: ['cs.CV'],
  },
  {
    title: 'Video prediction models for robot planning',
    abstract: 'A robot plans by imagining future video frames with a learned video prediction model.',
    authors: ['Ada Lovelace'],
    year: 2024,
    venue: 'NeurIPS',
    tags: ['cs.CV', 'cs.RO'],
  },
];
const QUESTION = 'how do robots learn skills?';
const TOKEN = 'filters-and-cite-token-7';

let dir: string;
let index: PaperIndex;
let engine: SearchEngine;
let server: RunningServer;
let browser: Browser;
let current: Watched | undefined;
/** Console lines a test expects (a 400 logs "Failed to load resource"); anything else fails it. */
let expectedConsole: RegExp | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'paper-search-web-filters-'));
  writeFileSync(join(dir, 'library.jsonl'), `${LIBRARY.map((paper) => JSON.stringify(paper)).join('\n')}\n`);
  const embedder = await Embedder.load({ modelsDir: MODELS_DIR });
  await buildIndex({ inputs: [join(dir, 'library.jsonl')], outDir: join(dir, 'index'), embedder });
  index = await loadIndex(join(dir, 'index'));
  engine = new SearchEngine(index, embedder);
  server = await startServer(engine);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  index?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

afterEach(async () => {
  const watched = current;
  current = undefined;
  const allowed = expectedConsole;
  expectedConsole = undefined;
  if (!watched) return;
  await watched.page.close();
  // No test may leave a script error, a CSP violation or a dialog behind.
  expect(watched.errors.filter((line) => !allowed?.test(line))).toEqual([]);
  expect(watched.dialogs).toEqual([]);
});

async function open(path: string, on: RunningServer = server): Promise<Watched> {
  current = await watchedPage(browser.context);
  await current.page.goto(on.url + path);
  await settled(current.page);
  return current;
}

/** The API's own answer to the question with these parameters (filters, mode), to compare the page with. */
const asked = (params: Record<string, string> = {}) => apiAnswer(server, `/api/search?${new URLSearchParams({ q: QUESTION, ...params })}`);

const filterInput = (page: Page, field: string) => page.locator(`#filter-${field}`);
const apiRequests = (watched: Watched, path: RegExp) =>
  watched.requests.filter((request) => path.test(new URL(request.split(' ')[1]!).pathname));
const isMarkedActive = (page: Page, field: string) => filterInput(page, field).evaluate((input) => input.classList.contains('active'));
const yearsOn = (page: Page) => page.locator('#results .meta .year').allTextContents();

describe('filters', () => {
  it("are the API's filter parameters, in its order", () => {
    const paging = ['offset', 'limit', 'format'];
    expect(FILTERS.map(({ field }) => field)).toEqual(Object.keys(PaperListQuerySchema.shape).filter((name) => !paging.includes(name)));
  });

  it('narrow the results, land in the URL, survive a reload and back, and clear', async () => {
    const watched = await open(`/?q=${encodeURIComponent(QUESTION)}`);
    const { page } = watched;
    expect(await titlesOn(page)).toEqual(titlesOf(await asked()));
    expect(await page.locator('#results .result').count()).toBe(LIBRARY.length);
    expect(await page.locator('#filters-note').isHidden()).toBe(true);

    // A year, applied with Enter.
    await filterInput(page, 'year_min').fill('2023');
    await answerTo(page, /^\/api\/search$/, () => filterInput(page, 'year_min').press('Enter'));
    expect(searchParams(page)).toEqual({ q: QUESTION, mode: 'hybrid', year_min: '2023' });
    expect(apiRequests(watched, /^\/api\/search$/).at(-1)).toBe(
      `GET ${server.url}/api/search?${new URLSearchParams({ q: QUESTION, mode: 'hybrid', year_min: '2023' })}`,
    );
    expect(await titlesOn(page)).toEqual(titlesOf(await asked({ year_min: '2023' })));
    for (const year of await yearsOn(page)) expect(Number(year)).toBeGreaterThanOrEqual(2023);
    expect(await page.locator('#results .result').count()).toBe(5);
    expect(await page.locator('#filters-note').textContent()).toBe('Only papers from 2023 on. Clear filters');
    expect(await isMarkedActive(page, 'year_min')).toBe(true);
    expect(await isMarkedActive(page, 'author')).toBe(false);

    // An author, applied on leaving the field; accents and case do not matter.
    await filterInput(page, 'author').fill('LOVELACE');
    await answerTo(page, /^\/api\/search$/, () => filterInput(page, 'author').press('Tab'));
    expect(searchParams(page)).toEqual({ q: QUESTION, mode: 'hybrid', year_min: '2023', author: 'LOVELACE' });
    const both = titlesOf(await asked({ year_min: '2023', author: 'LOVELACE' }));
    expect(both.sort()).toEqual(['Diffusion policies for dexterous manipulation', 'Video prediction models for robot planning']);
    expect(await titlesOn(page)).toEqual(titlesOf(await asked({ year_min: '2023', author: 'LOVELACE' })));
    expect(await page.locator('#filters-note').textContent()).toBe('Only papers from 2023 on, by “LOVELACE”. Clear filters');
    await page.screenshot({ path: screenshotPath('filters-desktop') });

    // A reload keeps them, in the URL, the controls and the answer; back goes to the year alone.
    await page.reload();
    await settled(page);
    expect(await filterInput(page, 'year_min').inputValue()).toBe('2023');
    expect(await filterInput(page, 'author').inputValue()).toBe('LOVELACE');
    expect(await titlesOn(page)).toEqual(titlesOf(await asked({ year_min: '2023', author: 'LOVELACE' })));
    await page.goBack();
    await settled(page);
    expect(searchParams(page)).toEqual({ q: QUESTION, mode: 'hybrid', year_min: '2023' });
    expect(await filterInput(page, 'author').inputValue()).toBe('');
    expect(await page.locator('#results .result').count()).toBe(5);

    // A new question keeps the filters; the mode too.
    await page.locator('#q').fill('robot hands');
    await answerTo(page, /^\/api\/search$/, () => page.locator('#q').press('Enter'));
    expect(searchParams(page)).toEqual({ q: 'robot hands', mode: 'hybrid', year_min: '2023' });
    await answerTo(page, /^\/api\/search$/, () => page.locator('label.mode', { hasText: 'Dense' }).click());
    expect(searchParams(page)).toEqual({ q: 'robot hands', mode: 'dense', year_min: '2023' });

    // Clearing: every filter goes, from the URL, the controls and the request, and focus stays in the query box.
    await answerTo(page, /^\/api\/search$/, () => page.getByRole('button', { name: 'Clear filters' }).click());
    expect(searchParams(page)).toEqual({ q: 'robot hands', mode: 'dense' });
    expect(apiRequests(watched, /^\/api\/search$/).at(-1)).toBe(`GET ${server.url}/api/search?q=robot+hands&mode=dense`);
    expect(await page.locator('#results .result').count()).toBe(LIBRARY.length);
    expect(await page.locator('#filters-note').isHidden()).toBe(true);
    expect(await filterInput(page, 'year_min').inputValue()).toBe('');
    expect(await isMarkedActive(page, 'year_min')).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('q');
  });

  it('set before a question are kept for it, without a request of their own', async () => {
    const watched = await open('/');
    const { page } = watched;
    await page.locator('label.mode', { hasText: 'Dense' }).click();
    await filterInput(page, 'venue').fill('neurips');
    await page.getByRole('button', { name: 'Apply' }).click();
    expect(searchParams(page)).toEqual({ mode: 'dense', venue: 'neurips' });
    expect(apiRequests(watched, /^\/api\//)).toEqual([]);
    await page.locator('#q').fill(QUESTION);
    await answerTo(page, /^\/api\/search$/, () => page.locator('#q').press('Enter'));
    expect(searchParams(page)).toEqual({ q: QUESTION, mode: 'dense', venue: 'neurips' });
    expect(await titlesOn(page)).toEqual(titlesOf(await asked({ mode: 'dense', venue: 'neurips' })));
    expect(await page.locator('#results .result').count()).toBe(2);
    expect(await page.locator('#results .meta .venue').allTextContents()).toEqual(['NeurIPS', 'NeurIPS']);
  });

  it('are sent with a pasted abstract and with similar papers, whose link carries them', async () => {
    const watched = await open('/?view=paste&tag=cs.RO&year_max=2023');
    const { page } = watched;
    expect(await filterInput(page, 'tag').inputValue()).toBe('cs.RO');
    const posted = page.waitForRequest((request) => new URL(request.url()).pathname === '/api/similar');
    await page.locator('#text').fill('Robots learn to grasp objects with their hands.');
    await answerTo(page, /^\/api\/similar$/, () => page.locator('#text').press('Control+Enter'));
    expect((await posted).postDataJSON()).toEqual({
      text: 'Robots learn to grasp objects with their hands.',
      mode: 'hybrid',
      year_max: '2023',
      tag: 'cs.RO',
    });
    expect(await page.locator('#results .result').count()).toBe(3);
    for (const year of await yearsOn(page)) expect(Number(year)).toBeLessThanOrEqual(2023);

    const similar = page.locator('#results a.similar').first();
    const id = (await similar.getAttribute('data-id'))!;
    const href = new URL((await similar.getAttribute('href'))!, server.url);
    expect(Object.fromEntries(href.searchParams)).toEqual({ similar: id, year_max: '2023', tag: 'cs.RO' });
    await answerTo(page, /\/similar$/, () => similar.click());
    expect(searchParams(page)).toEqual({ similar: id, year_max: '2023', tag: 'cs.RO' });
    const request = new URL(
      apiRequests(watched, /^\/api\/papers\/[^/]+\/similar$/)
        .at(-1)!
        .split(' ')[1]!,
    );
    expect(Object.fromEntries(request.searchParams)).toEqual({ year_max: '2023', tag: 'cs.RO' });
    expect(await page.locator('#results .result').count()).toBe(2);
    expect(await page.locator('#filters-note').textContent()).toBe('Only papers up to 2023, tagged “cs.RO”. Clear filters');

    // Changing a filter asks for similar papers again.
    await filterInput(page, 'year_max').fill('');
    await answerTo(page, /\/similar$/, () => filterInput(page, 'year_max').press('Enter'));
    expect(Object.keys(searchParams(page)).sort()).toEqual(['similar', 'tag']);
    expect(await page.locator('#results .result').count()).toBe(5);
  });

  it("show the API's message when it refuses a value, mark the field, and recover", async () => {
    expectedConsole = /Failed to load resource: the server responded with a status of 400/;
    const { page } = await open(`/?q=${encodeURIComponent(QUESTION)}&year_min=recent`);
    const alert = page.locator('#notice.error [role="alert"]');
    expect(await alert.textContent()).toBe('The server answered 400: year_min must be a year (the “From year” filter)');
    expect(await filterInput(page, 'year_min').inputValue()).toBe('recent');
    expect(await filterInput(page, 'year_min').getAttribute('aria-invalid')).toBe('true');
    expect(await filterInput(page, 'author').getAttribute('aria-invalid')).toBeNull();
    expect(await page.locator('#filters-toggle').getAttribute('aria-expanded'), 'on a narrow screen, the field is shown').toBe('true');
    await page.screenshot({ path: screenshotPath('filters-refused-desktop') });

    await filterInput(page, 'year_min').fill('2024');
    await answerTo(page, /^\/api\/search$/, () => filterInput(page, 'year_min').press('Enter'));
    expect(await page.locator('#notice').isHidden()).toBe(true);
    expect(await filterInput(page, 'year_min').getAttribute('aria-invalid')).toBeNull();
    expect(await page.locator('#results .result').count()).toBe(3);
  });

  it('say so when they keep no paper', async () => {
    const { page } = await open(`/?q=${encodeURIComponent(QUESTION)}&year_min=2030&author=lovelace`);
    expect(await page.locator('#notice.empty').textContent()).toBe(
      'Nothing matched. Only papers from 2030 on, by “lovelace” are searched: widen or clear the filters.',
    );
    expect(await page.locator('#results .result').count()).toBe(0);
  });

  it('fold behind a "Filters" button on a narrow screen, which says how many are on', async () => {
    current = await watchedPage(browser.context);
    const { page } = current;
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}/?q=${encodeURIComponent(QUESTION)}&year_min=2022&tag=cs.RO`);
    await settled(page);
    const toggle = page.locator('#filters-toggle');
    expect(await toggle.isVisible()).toBe(true);
    expect(await toggle.textContent()).toBe('Filters (2 on)');
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await filterInput(page, 'year_min').isVisible()).toBe(false);
    expect(await page.locator('#filters-note').textContent()).toBe('Only papers from 2022 on, tagged “cs.RO”. Clear filters');
    await page.screenshot({ path: screenshotPath('filters-narrow') });

    await toggle.focus();
    await page.keyboard.press('Enter');
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    expect(await filterInput(page, 'year_min').isVisible()).toBe(true);
    await page.screenshot({ path: screenshotPath('filters-narrow-open') });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: screenshotPath('filters-narrow-open-dark') });

    // On a wide screen the row is always there, and the button is not.
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(await toggle.isVisible()).toBe(false);
    expect(await filterInput(page, 'tag').isVisible()).toBe(true);
  });
});

describe('Cite', () => {
  beforeAll(async () => {
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  });

  it('copies the result\'s BibTeX entry, as the API exports it, and says "Copied"', async () => {
    const watched = await open(`/?q=${encodeURIComponent(QUESTION)}`);
    const { page } = watched;
    const first = page.locator('#results .result').first();
    const id = (await first.locator('code.id').textContent())!;
    const entry = await (await fetch(`${server.url}/api/papers/${encodeURIComponent(id)}?format=bibtex`)).text();
    expect(entry).toMatch(/^@\w+\{/);

    const cite = first.getByRole('button', { name: /^Copy the BibTeX entry of / });
    expect(await cite.textContent()).toBe('Cite');
    await cite.click();
    await expect.poll(() => first.locator('.cite-status').textContent()).toBe('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(entry);
    expect(apiRequests(watched, /^\/api\/papers\//).at(-1)).toBe(`GET ${server.url}/api/papers/${encodeURIComponent(id)}?format=bibtex`);
    await page.screenshot({ path: screenshotPath('cite-copied-desktop') });

    // From the keyboard, another result.
    const second = page.locator('#results .result').nth(1);
    const secondId = (await second.locator('code.id').textContent())!;
    await second.locator('button.cite').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => second.locator('.cite-status').textContent()).toBe('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
      await (await fetch(`${server.url}/api/papers/${encodeURIComponent(secondId)}?format=bibtex`)).text(),
    );
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('link cite');
  });

  it('shows the entry selected in a dialog when the clipboard is unavailable, and gives focus back on close', async () => {
    current = await watchedPage(browser.context);
    const { page } = current;
    // As on a page served over plain http from another machine: no Clipboard API at all.
    await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined }));
    await page.goto(`${server.url}/?q=${encodeURIComponent(QUESTION)}`);
    await settled(page);
    const first = page.locator('#results .result').first();
    const id = (await first.locator('code.id').textContent())!;
    const entry = await (await fetch(`${server.url}/api/papers/${encodeURIComponent(id)}?format=bibtex`)).text();

    await first.locator('button.cite').click();
    const dialog = page.locator('#cite-dialog');
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await page.locator('#cite-text').inputValue()).toBe(entry);
    expect(
      await page.evaluate(() => {
        const box = document.activeElement as HTMLTextAreaElement;
        return { id: box.id, start: box.selectionStart, end: box.selectionEnd, length: box.value.length };
      }),
    ).toEqual({ id: 'cite-text', start: 0, end: entry.length, length: entry.length });
    expect(await first.locator('.cite-status').textContent()).toBe('');
    await page.screenshot({ path: screenshotPath('cite-dialog-desktop') });

    await page.keyboard.press('Escape');
    expect(await dialog.isVisible()).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.closest('.result')?.querySelector('code.id')?.textContent)).toBe(id);

    await page.setViewportSize({ width: 390, height: 844 });
    await first.locator('button.cite').click();
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await page.screenshot({ path: screenshotPath('cite-dialog-narrow') });
    await page.getByRole('button', { name: 'Close' }).click();
    expect(await dialog.isVisible()).toBe(false);
  });

  it('sends the access token, when the page has one', async () => {
    const guarded = await startServer(engine, { accessToken: TOKEN });
    try {
      await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: guarded.url });
      current = await watchedPage(browser.context);
      const { page } = current;
      const authorizations: Record<string, string> = {};
      page.on('request', (request) => {
        const url = new URL(request.url());
        if (url.pathname.startsWith('/api/')) authorizations[url.pathname + url.search] = request.headers().authorization ?? 'none';
      });
      await page.goto(`${guarded.url}/`);
      await page.evaluate((token) => sessionStorage.setItem('paper-search.access-token', token), TOKEN);
      await page.goto(`${guarded.url}/?q=${encodeURIComponent(QUESTION)}`);
      await settled(page);
      const first = page.locator('#results .result').first();
      const id = (await first.locator('code.id').textContent())!;
      await first.locator('button.cite').click();
      await expect.poll(() => first.locator('.cite-status').textContent()).toBe('Copied');
      expect(authorizations[`/api/papers/${encodeURIComponent(id)}?format=bibtex`]).toBe(`Bearer ${TOKEN}`);
      expect(await page.evaluate(() => navigator.clipboard.readText())).toMatch(/^@\w+\{/);
    } finally {
      await guarded.close();
    }
  });

  it('says why when the entry cannot be fetched', async () => {
    expectedConsole = /Failed to load resource: the server responded with a status of 404/;
    const { page } = await open(`/?q=${encodeURIComponent(QUESTION)}`);
    const first = page.locator('#results .result').first();
    await first.locator('button.cite').evaluate((button) => {
      (button as HTMLButtonElement).dataset.id = 'gone-since-the-answer';
    });
    await first.locator('button.cite').click();
    await expect
      .poll(() => first.locator('.cite-status').textContent())
      .toBe('Could not get the citation: no paper with id "gone-since-the-answer"');
  });
});
