import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WATCHES_FILE, WatchStore } from '../../src/index/index.js';
import { seedEngine } from '../support/seed-engine.js';
import {
  answerTo,
  launchChromium,
  screenshotPath,
  search,
  settled,
  startServer,
  watchedPage,
  type Browser,
  type RunningServer,
  type Watched,
} from './browser.js';

const ASAP = 'ASAP: Aligning Simulation and Real-World Physics for Learning Agile Humanoid Whole-Body Skills';
const UNITREE = 'Unitree G1';
const SOURDOUGH = 'sourdough starter hydration and proofing times';
const HOSTILE = '<img src=x onerror="window.hacked=1"> humanoid';
/** Before the seed index was built, so every paper of it is new to these watches. */
const LONG_AGO = '2000-01-01T00:00:00.000Z';

let dir: string;
let emptyDir: string;
let server: RunningServer;
let noWatches: RunningServer;
let browser: Browser;
let current: Watched | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'paper-search-web-digest-'));
  emptyDir = mkdtempSync(join(tmpdir(), 'paper-search-web-no-watches-'));
  const watches = [UNITREE, SOURDOUGH, HOSTILE].map((query, i) => ({ id: `0000000${i}`, query, created_at: LONG_AGO }));
  writeFileSync(join(dir, WATCHES_FILE), JSON.stringify({ version: 1, watches }));
  expect(new WatchStore(dir).list()).toHaveLength(3);
  const engine = await seedEngine();
  server = await startServer(engine, { watches: new WatchStore(dir) });
  noWatches = await startServer(engine, { watches: new WatchStore(emptyDir) });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await noWatches?.close();
  for (const folder of [dir, emptyDir]) if (folder) rmSync(folder, { recursive: true, force: true });
});

afterEach(async () => {
  const watched = current;
  current = undefined;
  if (!watched) return;
  await watched.page.close();
  expect(watched.errors).toEqual([]);
  expect(watched.dialogs).toEqual([]);
});

async function open(on: RunningServer, path = '/'): Promise<Watched> {
  current = await watchedPage(browser.context);
  await current.page.goto(on.url + path);
  await settled(current.page);
  return current;
}

const digestOf = (watched: Watched) => watched.page.locator('#digest');
const digestRequests = (watched: Watched) =>
  watched.requests.filter((request) => new URL(request.split(' ')[1]!).pathname === '/api/digest');

describe('New for you', () => {
  it('shows on the start page each watch with its new papers, why each is there, or that nothing is new', async () => {
    const watched = await open(server);
    const { page } = watched;
    const digest = digestOf(watched);
    await digest.waitFor({ state: 'visible' });
    expect(await digest.locator('#digest-title').textContent()).toBe('New for you');
    // In the page's outline: the digest, then each watch, then its papers.
    expect(await digest.locator('h2').count()).toBe(1);
    expect(await digest.locator('.watch > h3').count()).toBe(3);
    expect(await digest.locator('.result .title').evaluateAll((titles) => titles.map((title) => title.tagName))).toEqual(
      expect.arrayContaining(['H4']),
    );
    expect(await digest.locator('.result h2, .result h3').count()).toBe(0);
    expect(await digest.locator('.watch-query').allTextContents()).toEqual([`“${UNITREE}”`, `“${SOURDOUGH}”`, `“${HOSTILE}”`]);

    const unitree = digest.locator('.watch').nth(0);
    expect(await unitree.locator('.hint').textContent()).toBe('1 new since 2000-01-01:');
    expect(await unitree.locator('.result .title').allTextContents()).toEqual([ASAP]);
    expect(await unitree.locator('.result mark').allTextContents()).toEqual(expect.arrayContaining(['Unitree', 'G1']));
    expect(await unitree.locator('.why').textContent()).toMatch(
      /^Why: contains every term of the query; stands out among the whole library's matches \(score \d+\.\d\d, bar 2\.5\)\.$/,
    );
    expect(await digest.locator('.watch').nth(1).locator('.hint').textContent()).toBe('Nothing new since 2000-01-01.');
    expect(await digest.locator('.digest-summary').textContent()).toMatch(/^\d+ new papers? match(es)? your 3 watches well\.$/);
    // The watch's text is shown as text, never run.
    expect(await page.evaluate(() => (window as { hacked?: number }).hacked)).toBeUndefined();
    expect(digestRequests(watched)).toEqual([`GET ${server.url}/api/digest`]);
    await page.screenshot({ path: screenshotPath('digest-desktop'), fullPage: true });
  });

  it('steps aside for a search and comes back on the start page, asked for once', async () => {
    const watched = await open(server);
    const { page } = watched;
    await digestOf(watched).waitFor({ state: 'visible' });
    await search(page, 'robot imitation from video');
    expect(await digestOf(watched).isHidden()).toBe(true);
    await page.goBack();
    await settled(page);
    expect(await digestOf(watched).isVisible()).toBe(true);
    expect(digestRequests(watched)).toHaveLength(1);
  });

  it('opens similar papers of a new paper in place', async () => {
    const watched = await open(server);
    const { page } = watched;
    await digestOf(watched).waitFor({ state: 'visible' });
    await answerTo(page, /\/similar$/, () => digestOf(watched).locator('a.similar').first().click());
    expect(new URL(page.url()).searchParams.get('similar')).toMatch(/^asap-/);
    expect(await page.locator('#context').textContent()).toBe(`Papers similar to ${ASAP}`);
    expect(await digestOf(watched).isHidden()).toBe(true);
  });

  it('is not asked for when there are no watches', async () => {
    const watched = await open(noWatches);
    expect(await digestOf(watched).isHidden()).toBe(true);
    expect(await digestOf(watched).getAttribute('data-watched')).toBe('false');
    expect(digestRequests(watched)).toEqual([]);
  });
});
