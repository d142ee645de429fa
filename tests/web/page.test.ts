import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex, loadIndex } from '../../src/index/index.js';
import { SearchEngine, type Mode, type SearchAnswer } from '../../src/search/index.js';
import { seedEngine } from '../support/seed-engine.js';
import { launchChromium, screenshotPath, startServer, watchedPage, type Browser, type RunningServer, type Watched } from './browser.js';

const QUESTION = 'robot imitation from video';
const OTHER_QUESTION = 'diffusion policy for robot manipulation';
const OFF_TOPIC = 'sourdough bread fermentation';
const INJECTED = '<script>alert(1)</script>';

let engine: SearchEngine;
let server: RunningServer;
let browser: Browser;
let current: Watched | undefined;
/** Console lines a test expects (a 400 logs "Failed to load resource"); anything else fails it. */
let expectedConsole: RegExp | undefined;

beforeAll(async () => {
  engine = await seedEngine();
  server = await startServer(engine);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
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

async function open(path = '/'): Promise<Watched> {
  current = await watchedPage(browser.context);
  await current.page.goto(server.url + path);
  await settled(current.page);
  return current;
}

/** Waits until the page has finished asking the API (the script clears aria-busy when done). */
async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => document.getElementById('answer')?.getAttribute('aria-busy') === 'false');
}

/** Runs an action that makes the page call `api` and waits for the answer to be on screen. */
async function answerTo(page: Page, api: RegExp, action: () => Promise<unknown>): Promise<void> {
  const response = page.waitForResponse((r) => api.test(new URL(r.url()).pathname));
  await action();
  await response;
  await settled(page);
}

async function search(page: Page, query: string): Promise<void> {
  await page.locator('#q').fill(query);
  await answerTo(page, /^\/api\/search$/, () => page.locator('#q').press('Enter'));
}

const titlesOn = (page: Page) => page.locator('#results .title').allTextContents();
const titlesOf = (answer: SearchAnswer) => answer.results.map((r) => r.title);
const searchParams = (page: Page) => Object.fromEntries(new URL(page.url()).searchParams);

describe('the page and its assets', () => {
  it('is served with a strict Content Security Policy and the usual security headers', async () => {
    for (const path of ['/', '/?q=robots', '/assets/app.js', '/assets/style.css', '/api/search?q=robots']) {
      const response = await fetch(server.url + path);
      expect(response.status, path).toBe(200);
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("default-src 'self'");
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).toContain("style-src 'self'");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(response.headers.get('x-frame-options'), path).toBe('DENY');
      expect(response.headers.get('referrer-policy'), path).toBe('no-referrer');
    }
  });

  it('has no inline script or style and nothing from another origin', async () => {
    const html = await (await fetch(`${server.url}/`)).text();
    expect(html).toMatch(/^<!DOCTYPE html>/);
    const scripts = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)];
    expect(scripts).toHaveLength(1);
    expect(scripts[0]![0]).toContain('src="/assets/app.js"');
    expect(scripts[0]![1]).toBe('');
    expect(html).not.toMatch(/<style\b|\sstyle=|\son[a-z]+=/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    const css = await (await fetch(`${server.url}/assets/style.css`)).text();
    expect(css).not.toMatch(/@import|url\(|@font-face/);
  });

  it('serves its assets with their types, and 404s for anything else under /assets', async () => {
    const types = { 'app.js': 'text/javascript', 'style.css': 'text/css', 'icon.svg': 'image/svg+xml' };
    for (const [name, type] of Object.entries(types)) {
      const response = await fetch(`${server.url}/assets/${name}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain(type);
      const etag = response.headers.get('etag');
      expect(etag).toBeTruthy();
      expect((await fetch(`${server.url}/assets/${name}`, { headers: { 'if-none-match': etag! } })).status).toBe(304);
    }
    for (const path of ['/assets/nope.js', '/assets/..%2Fpage.tsx', '/assets/']) {
      expect((await fetch(server.url + path)).status, path).toBe(404);
    }
    const script = await (await fetch(`${server.url}/assets/app.js`)).text();
    expect(script).not.toMatch(/\.(inner|outer)HTML\s*=|insertAdjacentHTML\(|document\.write|\beval\(|new Function\(/);
  });
});

describe('searching', () => {
  it('answers a question typed and sent with Enter, with the API\'s results and highlighted snippets', async () => {
    const { page, requests } = await open('/');
    await search(page, QUESTION);

    expect(searchParams(page)).toEqual({ q: QUESTION, mode: 'hybrid' });
    expect(requests.filter((r) => r.includes('/api/search'))).toEqual([`GET ${server.url}/api/search?q=robot+imitation+from+video&mode=hybrid`]);
    const expected = await engine.search(QUESTION, { mode: 'hybrid', k: 10 });
    expect(await titlesOn(page)).toEqual(titlesOf(expected));
    await expect.poll(() => page.locator('#status').textContent()).toMatch(/^10 papers for “robot imitation from video” · hybrid in \d+ ms$/);
    expect(await page.locator('#notice').isHidden()).toBe(true);
    expect(await page.title()).toBe(`${QUESTION} – paper-search`);

    // Every snippet is shown in full, and the query's words are marked in it.
    const snippets = await page.locator('#results .snippet').allTextContents();
    expect(snippets).toEqual(expected.results.map((r) => r.snippet));
    const marks = (await page.locator('#results .snippet mark').allTextContents()).map((m) => m.toLowerCase());
    expect(marks.length).toBeGreaterThanOrEqual(5);
    for (const mark of marks) expect(mark).toMatch(/^(robot|imitat|video)/);
    expect(marks.some((m) => m.startsWith('video'))).toBe(true);
    expect(await page.locator('#results mark', { hasText: /^from$/i }).count(), 'stop-words are not marked').toBe(0);

    // A score label and a bar per result, the best one full.
    const labels = await page.locator('#results .score .value').allTextContents();
    expect(labels).toEqual(expected.results.map((r) => `score ${r.score.toFixed(2)}`));
    const widths = await page.locator('#results .score .fill').evaluateAll((fills) => fills.map((f) => (f as HTMLElement).style.width));
    expect(widths[0]).toBe('100%');
    expect(widths.map((w) => Number.parseInt(w, 10))).toEqual([...widths.map((w) => Number.parseInt(w, 10))].sort((a, b) => b - a));
  });

  it('shows the full abstract on expand', async () => {
    const { page } = await open(`/?q=${encodeURIComponent(QUESTION)}`);
    const first = page.locator('#results .result').first();
    const abstract = first.locator('details.abstract p');
    expect(await abstract.isVisible()).toBe(false);
    await first.locator('summary').click();
    expect(await abstract.isVisible()).toBe(true);
    const expected = (await engine.search(QUESTION, { k: 10 })).results[0]!;
    expect(await abstract.textContent()).toBe(expected.abstract);
    expect(await abstract.locator('mark').count()).toBeGreaterThan(0);
    expect(expected.abstract.length).toBeGreaterThan(expected.snippet.length);
  });

  it('loads the results of a shared URL, mode included', async () => {
    const { page } = await open(`/?q=${encodeURIComponent(OTHER_QUESTION)}&mode=lexical`);
    expect(await page.locator('#q').inputValue()).toBe(OTHER_QUESTION);
    expect(await page.locator('input[name="mode"][value="lexical"]').isChecked()).toBe(true);
    expect(await titlesOn(page)).toEqual(titlesOf(await engine.search(OTHER_QUESTION, { mode: 'lexical', k: 10 })));
  });

  it.each(['dense', 'lexical'] as const)('switches to %s mode: the URL, the request and the results follow', async (mode: Mode) => {
    const { page, requests } = await open('/');
    await search(page, QUESTION);
    await answerTo(page, /^\/api\/search$/, () => page.locator('label.mode', { hasText: new RegExp(`^${mode}$`, 'i') }).click());

    expect(searchParams(page)).toEqual({ q: QUESTION, mode });
    expect(requests.filter((r) => r.includes('/api/')).at(-1)).toBe(`GET ${server.url}/api/search?q=robot+imitation+from+video&mode=${mode}`);
    expect(await titlesOn(page)).toEqual(titlesOf(await engine.search(QUESTION, { mode, k: 10 })));
    expect(await page.locator('#status').textContent()).toContain(`· ${mode} in`);
    if (mode === 'dense') {
      for (const label of await page.locator('#results .score .value').allTextContents()) expect(Number(label.replace('score ', ''))).toBeLessThanOrEqual(1);
    }

    // A reload keeps the mode and the answer; back goes to the hybrid answer.
    await page.reload();
    await settled(page);
    expect(await page.locator(`input[name="mode"][value="${mode}"]`).isChecked()).toBe(true);
    expect(await titlesOn(page)).toEqual(titlesOf(await engine.search(QUESTION, { mode, k: 10 })));
    await page.goBack();
    await settled(page);
    expect(searchParams(page).mode).toBe('hybrid');
    expect(await page.locator('input[name="mode"][value="hybrid"]').isChecked()).toBe(true);
    expect(await titlesOn(page)).toEqual(titlesOf(await engine.search(QUESTION, { mode: 'hybrid', k: 10 })));
  });

  it('does not search for an empty query, and says what to do', async () => {
    const { page, requests } = await open('/');
    for (const query of ['', '   ']) {
      await page.locator('#q').fill(query);
      await page.locator('#q').press('Enter');
      await expect.poll(() => page.locator('#notice').textContent()).toMatch(/Type a question/);
    }
    await page.locator('button', { hasText: /^Search$/ }).click();
    expect(requests.filter((r) => r.includes('/api/'))).toEqual([]);
    expect(new URL(page.url()).search).toBe('');
    expect(await page.locator('#results .result').count()).toBe(0);
    expect(await page.locator('#q').evaluate((box) => box === document.activeElement)).toBe(true);
  });

  it('shows an injected <script> query as text and runs nothing', async () => {
    const { page, dialogs } = await open('/');
    await search(page, INJECTED);
    expect(searchParams(page).q).toBe(INJECTED);
    expect(await page.locator('#status').textContent()).toContain(`for “${INJECTED}”`);
    expect(await page.locator('#q').inputValue()).toBe(INJECTED);
    expect(await page.locator('script').count()).toBe(1);

    // The same query in the URL is rendered by the server into the box: still only text.
    const hostile = `"><img src=x onerror=alert(2)>${INJECTED}`;
    await page.goto(`${server.url}/?q=${encodeURIComponent(hostile)}`);
    await settled(page);
    expect(await page.locator('#q').inputValue()).toBe(hostile);
    expect(await page.locator('#status').textContent()).toContain(hostile);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(1);
    expect(dialogs).toEqual([]);
  });

  it('marks a low-confidence answer for an off-topic query, but still shows the closest papers', async () => {
    const expected = await engine.search(OFF_TOPIC, { k: 10 });
    expect(expected.confidence, 'precondition: the API calls it low').toBe('low');
    const { page } = await open('/');
    await search(page, OFF_TOPIC);
    const notice = page.locator('#notice.low');
    expect(await notice.isVisible()).toBe(true);
    expect(await notice.textContent()).toMatch(/^Low confidence\. .*probably has no paper on this/);
    expect(await titlesOn(page)).toEqual(titlesOf(expected));
    await page.screenshot({ path: screenshotPath('low-confidence-desktop'), fullPage: false });

    // An answerable query clears the warning.
    await search(page, QUESTION);
    expect(await page.locator('#notice').isHidden()).toBe(true);
  });

  it('says when nothing matched', async () => {
    const query = 'zzqxv wqxzz';
    expect((await engine.search(query, { mode: 'lexical' })).results, 'precondition: no paper has these words').toEqual([]);
    const { page } = await open(`/?q=${encodeURIComponent(query)}&mode=lexical`);
    expect(await page.locator('#notice.empty').textContent()).toMatch(/^Nothing matched\. Lexical mode only finds papers containing these words/);
    expect(await page.locator('#status').textContent()).toMatch(/^0 papers for/);
    expect(await page.locator('#results .result').count()).toBe(0);
  });

  it('shows the API\'s error message, not a blank page', async () => {
    expectedConsole = /Failed to load resource: the server responded with a status of (400|404)/;
    const { page } = await open('/?q=x&mode=bogus');
    const alert = page.locator('#notice.error [role="alert"]');
    expect(await alert.textContent()).toBe('The server answered 400: mode must be one of hybrid, dense, lexical');
    expect(await page.locator('#q').isVisible()).toBe(true);
    await page.screenshot({ path: screenshotPath('error-desktop') });

    await page.goto(`${server.url}/?similar=no-such-paper`);
    await settled(page);
    expect(await alert.textContent()).toBe('The server answered 404: no paper with id "no-such-paper"');

    // Choosing a valid mode recovers.
    await page.goto(`${server.url}/?q=${encodeURIComponent(QUESTION)}&mode=bogus`);
    await settled(page);
    await answerTo(page, /^\/api\/search$/, () => page.locator('label.mode', { hasText: 'Hybrid' }).click());
    expect(await page.locator('#notice').isHidden()).toBe(true);
    expect(await page.locator('#results .result').count()).toBe(10);
  });
});

describe('similar papers', () => {
  it('runs from a result\'s "Similar papers" link, and back returns to the search', async () => {
    const { page } = await open(`/?q=${encodeURIComponent(QUESTION)}`);
    const first = (await engine.search(QUESTION, { k: 10 })).results[0]!;
    await answerTo(page, /\/similar$/, () => page.locator('#results a.similar').first().click());

    expect(searchParams(page)).toEqual({ similar: first.id });
    expect(await page.locator('#context h2').textContent()).toBe(`Papers similar to ${first.title}`);
    const expected = await engine.similarToPaper(first.id, { k: 10 });
    expect(await titlesOn(page)).toEqual(titlesOf(expected));
    expect(await titlesOn(page)).not.toContain(first.title);
    expect(await page.locator('input[name="mode"][value="dense"]').isDisabled()).toBe(true);
    expect(await page.locator('input[name="mode"][value="hybrid"]').isChecked()).toBe(true);
    await page.screenshot({ path: screenshotPath('similar-desktop') });

    // The link is a real link: shareable, and it loads by itself.
    const shared = await watchedPage(browser.context);
    await shared.page.goto(`${server.url}/?similar=${encodeURIComponent(first.id)}`);
    await settled(shared.page);
    expect(await shared.page.locator('#context h2').textContent()).toBe(`Papers similar to ${first.title}`);
    expect(await titlesOn(shared.page)).toEqual(titlesOf(expected));
    expect(shared.errors).toEqual([]);
    await shared.page.close();

    await page.goBack();
    await settled(page);
    expect(searchParams(page)).toEqual({ q: QUESTION, mode: 'hybrid' });
    expect(await page.locator('#context').isHidden()).toBe(true);
    expect(await page.locator('input[name="mode"][value="dense"]').isDisabled()).toBe(false);
    expect(await titlesOn(page)).toEqual(titlesOf(await engine.search(QUESTION, { k: 10 })));
  });

  it('finds papers similar to a pasted abstract', async () => {
    const paper = engine.index.allPapers().find((p) => p.title.startsWith('UniSkill'))!;
    const { page, requests } = await open('/');
    await page.locator('#view-paste').click();
    expect(searchParams(page)).toEqual({ view: 'paste', mode: 'hybrid' });
    expect(await page.locator('#text').evaluate((box) => box === document.activeElement)).toBe(true);
    expect(await page.locator('#q').isVisible()).toBe(false);

    await page.locator('#text').fill(paper.abstract);
    await answerTo(page, /^\/api\/similar$/, () => page.getByRole('button', { name: 'Find similar papers' }).click());
    expect(requests.filter((r) => r.includes('/api/')).at(-1)).toBe(`POST ${server.url}/api/similar`);
    const expected = await engine.search(paper.abstract, { mode: 'hybrid', k: 10 });
    expect(await titlesOn(page)).toEqual(titlesOf(expected));
    expect((await titlesOn(page))[0]).toBe(paper.title);
    expect(await page.locator('#status').textContent()).toMatch(/^10 papers similar to the pasted text · hybrid/);

    // Mode change re-runs it; a reload keeps the pasted text and the answer.
    await answerTo(page, /^\/api\/similar$/, () => page.locator('label.mode', { hasText: 'Dense' }).click());
    expect(searchParams(page)).toEqual({ view: 'paste', mode: 'dense' });
    expect(await titlesOn(page)).toEqual(titlesOf(await engine.search(paper.abstract, { mode: 'dense', k: 10 })));
    await page.reload();
    await settled(page);
    expect(await page.locator('#text').inputValue()).toBe(paper.abstract.trim());
    expect(await titlesOn(page)).toEqual(titlesOf(await engine.search(paper.abstract, { mode: 'dense', k: 10 })));
    await page.screenshot({ path: screenshotPath('paste-desktop') });

    // An empty paste sends nothing; Ctrl+Enter sends a new one.
    const sent = requests.length;
    await page.locator('#text').fill('  ');
    await page.getByRole('button', { name: 'Find similar papers' }).click();
    expect(await page.locator('#notice').textContent()).toMatch(/Paste an abstract/);
    expect(requests.slice(sent).filter((r) => r.includes('/api/'))).toEqual([]);
    await page.locator('#text').fill('Tactile sensing with vision-based sensors for dexterous in-hand manipulation of small objects.');
    await answerTo(page, /^\/api\/similar$/, () => page.locator('#text').press('Control+Enter'));
    expect(await page.locator('#results .result').count()).toBe(10);

    // "Ask a question" goes back to the question view.
    await page.locator('#view-search').click();
    expect(await page.locator('#q').isVisible()).toBe(true);
    expect(await page.locator('#text').isVisible()).toBe(false);
  });
});

describe('history and keyboard', () => {
  it('restores earlier queries and their results with back and forward', async () => {
    const { page } = await open('/');
    await search(page, QUESTION);
    await search(page, OTHER_QUESTION);
    const first = titlesOf(await engine.search(QUESTION, { k: 10 }));
    const second = titlesOf(await engine.search(OTHER_QUESTION, { k: 10 }));
    expect(first).not.toEqual(second);

    await page.goBack();
    await settled(page);
    expect(searchParams(page).q).toBe(QUESTION);
    expect(await page.locator('#q').inputValue()).toBe(QUESTION);
    expect(await titlesOn(page)).toEqual(first);

    await page.goForward();
    await settled(page);
    expect(searchParams(page).q).toBe(OTHER_QUESTION);
    expect(await page.locator('#q').inputValue()).toBe(OTHER_QUESTION);
    expect(await titlesOn(page)).toEqual(second);

    await page.goBack();
    await settled(page);
    await page.goBack();
    await settled(page);
    expect(new URL(page.url()).search).toBe('');
    expect(await page.locator('#q').inputValue()).toBe('');
    expect(await page.locator('#results .result').count()).toBe(0);
  });

  it('focuses the search box on "/", without typing it, and lets "/" be typed in the box', async () => {
    const { page } = await open('/');
    await page.locator('h1').click();
    expect(await page.evaluate(() => document.activeElement?.id ?? '')).not.toBe('q');
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('q');
    expect(await page.locator('#q').inputValue()).toBe('');
    await page.keyboard.type('sim/real');
    expect(await page.locator('#q').inputValue()).toBe('sim/real');
  });

  it('reaches the results with Tab, and every control has a label', async () => {
    const { page } = await open(`/?q=${encodeURIComponent(QUESTION)}`);
    await page.locator('#q').focus();
    const reached: string[] = [];
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      reached.push(await page.evaluate(() => {
        const active = document.activeElement;
        return active?.closest('#results') ? `result ${active.tagName.toLowerCase()}` : active?.tagName.toLowerCase() ?? '';
      }));
    }
    expect(reached).toContain('result summary');
    expect(reached).toContain('result a');
    // Enter on the focused "Full abstract" opens it.
    await page.locator('#results summary').first().focus();
    await page.keyboard.press('Enter');
    expect(await page.locator('#results details').first().getAttribute('open')).toBe('');

    const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, textarea, select, button, a, summary')]
      .filter((element) => {
        const labels = (element as HTMLInputElement).labels;
        const name = element.getAttribute('aria-label') ?? ((labels && labels.length > 0) ? labels[0]!.textContent : element.textContent);
        return !name?.trim();
      })
      .map((element) => element.outerHTML.slice(0, 80)));
    expect(unlabelled).toEqual([]);
  });
});

describe('hostile paper text', () => {
  let dir: string;
  let hostile: RunningServer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paper-search-web-hostile-'));
    const papers = [
      { id: 'hostile-title', title: '<script>alert("title")</script> Tactile robot hands', abstract: 'We study <img src=x onerror="alert(\'abstract\')"> tactile robot hands that grasp <b>fragile</b> objects. A second sentence about robot hands.' },
      { id: 'plain', title: 'Legged robot locomotion on rough terrain', abstract: 'A quadruped learns to walk on rough terrain with reinforcement learning in simulation.' },
    ];
    writeFileSync(join(dir, 'papers.jsonl'), papers.map((p) => JSON.stringify(p)).join('\n'));
    await buildIndex({ inputs: [join(dir, 'papers.jsonl')], outDir: join(dir, 'index'), embedder: engine.embedder });
    hostile = await startServer(new SearchEngine(loadIndex(join(dir, 'index')), engine.embedder));
  });

  afterAll(async () => {
    await hostile?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows markup in titles and abstracts as text', async () => {
    current = await watchedPage(browser.context);
    const { page } = current;
    await page.goto(`${hostile.url}/?q=tactile+robot+hands`);
    await settled(page);
    expect((await titlesOn(page))[0]).toBe('<script>alert("title")</script> Tactile robot hands');
    await page.locator('#results summary').first().click();
    expect(await page.locator('#results details p').first().textContent()).toContain('<img src=x onerror="alert(\'abstract\')">');
    expect(await page.locator('#results img, #results b, #results script').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(1);
    expect(current.dialogs).toEqual([]);
  });

  it('says so when the server cannot be reached', async () => {
    expectedConsole = /Failed to load resource: net::ERR_CONNECTION_REFUSED/;
    current = await watchedPage(browser.context);
    const { page } = current;
    await page.goto(`${hostile.url}/`);
    await settled(page);
    await hostile.close();
    await page.locator('#q').fill('robot hands');
    await page.locator('#q').press('Enter');
    const alert = page.locator('#notice.error [role="alert"]');
    await expect.poll(() => alert.textContent()).toMatch(/^No answer\. Could not reach the server \(.+\)\. Is it still running\? Try again$/);
    expect(await page.getByRole('button', { name: 'Try again' }).isVisible()).toBe(true);
  });
});

describe('screenshots', () => {
  it.each([
    ['desktop', { width: 1280, height: 800 }],
    ['narrow', { width: 390, height: 844 }],
  ] as const)('renders the results readably on a %s screen', async (name, viewport) => {
    const { page } = await open('/');
    await page.setViewportSize(viewport);
    await page.screenshot({ path: screenshotPath(`home-${name}`) });
    await search(page, 'how do robots learn from a few demonstrations?');
    await page.locator('#results summary').first().click();
    await page.screenshot({ path: screenshotPath(`results-${name}`) });
    await page.screenshot({ path: screenshotPath(`results-${name}-full`), fullPage: true });
    // Nothing wider than the screen: no sideways scrolling.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
    const box = await page.locator('#q').boundingBox();
    expect(box!.width).toBeGreaterThan(viewport.width * 0.5);

    await page.locator('#view-paste').click();
    await page.locator('#text').fill(engine.index.allPapers()[0]!.abstract);
    await answerTo(page, /^\/api\/similar$/, () => page.getByRole('button', { name: 'Find similar papers' }).click());
    await page.screenshot({ path: screenshotPath(`paste-${name}`) });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: screenshotPath(`paste-${name}-dark`) });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
  });
});
