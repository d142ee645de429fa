import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WireAnswer } from '../../src/contract/schemas.js';
import { MODE_HINTS, MODES, type Mode } from '../../src/contract/values.js';
import { buildIndex, loadIndex } from '../../src/index/index.js';
import { Embedder } from '../../src/model/index.js';
import { SearchEngine } from '../../src/search/index.js';
import { seedEngine } from '../support/seed-engine.js';
import {
  answerTo,
  apiAnswer,
  launchChromium,
  screenshotPath,
  search,
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

/** The API's answer to a question, to compare the page with. */
function asked(q: string, mode: Mode = 'hybrid', k?: number): Promise<WireAnswer> {
  return apiAnswer(server, `/api/search?${new URLSearchParams({ q, mode, ...(k === undefined ? {} : { k: String(k) }) })}`);
}

/** The API's answer to a pasted text. */
function similarTo(text: string, mode: Mode = 'hybrid'): Promise<WireAnswer> {
  return apiAnswer(server, '/api/similar', { text, mode });
}

/** A seed paper found by a word of its title. */
async function seedPaper(name: string): Promise<WireAnswer['results'][number]> {
  const [paper] = (await asked(name, 'lexical', 1)).results;
  if (!paper?.title.includes(name)) throw new Error(`the seed corpus has no paper called ${name}`);
  return paper;
}

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
      // Plain HTTP on loopback: HSTS would promise a TLS the server does not speak.
      expect(response.headers.get('strict-transport-security'), path).toBeNull();
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

  it('serves the TypeScript client as one esbuild bundle, built by npm run build', async () => {
    expect(existsSync('src/web/assets/app.js'), 'no hand-written script beside the TypeScript client').toBe(false);
    const served = await (await fetch(`${server.url}/assets/app.js`)).text();
    expect(served).toBe(readFileSync('.build/web/assets/app.js', 'utf8'));
    // Bundled: every module of src/web/client/ is inside, nothing is imported at run time.
    expect(served).not.toMatch(/^\s*import\b|\bimport\s*\(/m);
    for (const file of readdirSync('src/web/client').filter((name) => name.endsWith('.ts'))) {
      expect(served, file).toContain(`src/web/client/${file}`);
    }
    expect(served, 'the contract module is bundled in').toContain('src/contract/values.ts');
  });

  it('takes its modes, their hints and score meanings from the contract, and keeps no list of its own', async () => {
    const { page } = await open(`/?q=${encodeURIComponent(QUESTION)}&mode=dense`);
    const radios = page.locator('label.mode');
    expect(await radios.locator('input').evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value))).toEqual([
      ...MODES,
    ]);
    expect(await radios.allTextContents()).toEqual(MODES.map((mode) => MODE_HINTS[mode].label));
    expect(await radios.evaluateAll((labels) => labels.map((label) => label.getAttribute('title')))).toEqual(
      MODES.map((mode) => MODE_HINTS[mode].hint),
    );
    expect(await page.locator('#results .score').first().getAttribute('title')).toBe(MODE_HINTS.dense.score);
    await page.goto(`${server.url}/`);
    expect(await page.locator('#intro li').allTextContents()).toEqual(
      MODES.map((mode) => `${MODE_HINTS[mode].label}: ${MODE_HINTS[mode].hint}`),
    );

    const sources = readdirSync('src/web', { recursive: true, encoding: 'utf8' }).filter((name) => /\.(ts|tsx)$/.test(name));
    for (const name of sources) {
      const source = readFileSync(join('src/web', name), 'utf8');
      expect(source, name).not.toMatch(/\b(MODES|SCORE_MEANING|STOP_WORDS)\s*=/);
    }
  });
});

describe('searching', () => {
  it("answers a question typed and sent with Enter, with the API's results and highlighted snippets", async () => {
    const { page, requests } = await open('/');
    await search(page, QUESTION);

    expect(searchParams(page)).toEqual({ q: QUESTION, mode: 'hybrid' });
    expect(requests.filter((r) => r.includes('/api/search'))).toEqual([
      `GET ${server.url}/api/search?q=robot+imitation+from+video&mode=hybrid`,
    ]);
    const expected = await asked(QUESTION);
    expect(await titlesOn(page)).toEqual(titlesOf(expected));
    await expect
      .poll(() => page.locator('#status').textContent())
      .toMatch(/^10 papers for “robot imitation from video” · hybrid in \d+ ms$/);
    expect(await page.locator('#notice').isHidden()).toBe(true);
    expect(await page.title()).toBe(`${QUESTION} – paper-search`);

    // Every snippet is shown in full, and the words the API says matched are marked in it.
    const snippets = await page.locator('#results .snippet').allTextContents();
    expect(snippets).toEqual(expected.results.map((r) => r.snippet));
    const items = page.locator('#results .result');
    let marked = 0;
    for (const [i, result] of expected.results.entries()) {
      const marks = (await items.nth(i).locator('.snippet mark, .title mark').allTextContents()).map((m) => m.toLowerCase());
      for (const mark of marks) expect(result.matched_words).toContain(mark);
      marked += marks.length;
    }
    expect(marked).toBeGreaterThanOrEqual(5);
    expect(await page.locator('#results mark', { hasText: /^video/i }).count()).toBeGreaterThan(0);
    expect(await page.locator('#results mark', { hasText: /^from$/i }).count(), 'stop-words are not marked').toBe(0);

    // A score label and a bar per result, the best one full.
    const labels = await page.locator('#results .score .value').allTextContents();
    expect(labels).toEqual(expected.results.map((r) => `score ${r.score.toFixed(2)}`));
    const widths = await page.locator('#results .score .fill').evaluateAll((fills) => fills.map((f) => (f as HTMLElement).style.width));
    expect(widths[0]).toBe('100%');
    expect(widths.map((w) => Number.parseInt(w, 10))).toEqual([...widths.map((w) => Number.parseInt(w, 10))].sort((a, b) => b - a));
  });

  it("marks exactly the ranges the answer's explain gives, in title, snippet and abstract, with no matching of its own", async () => {
    const query = 'how do robots learn from a few demonstrations?';
    const expected = await asked(query);
    // The answer is the API's with its explanations' ranges replaced by ones no word matching would give:
    // the first word of the title, the first word of the snippet and the last word of the abstract.
    const wordRanges = (text: string) =>
      [...text.matchAll(/[\p{L}\p{M}\p{N}]+/gu)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
    const chosen = (result: WireAnswer['results'][number]) => {
      const abstractWords = wordRanges(result.abstract);
      const inSnippet = abstractWords.find((range) => range.start >= result.explain.snippet_start)!;
      return {
        title: [{ ...wordRanges(result.title)[0]!, term: 'x' }],
        abstract: [
          { ...inSnippet, term: 'x' },
          { ...abstractWords.at(-1)!, term: 'x' },
        ],
      };
    };
    const { page } = await open('/');
    await page.route(
      (url) => url.pathname === '/api/search',
      async (route) => {
        const response = await route.fetch();
        const answer = (await response.json()) as WireAnswer;
        for (const result of answer.results) Object.assign(result.explain, chosen(result));
        await route.fulfill({ response, json: answer });
      },
    );
    await search(page, query);

    const items = page.locator('#results .result');
    for (const [i, result] of expected.results.entries()) {
      const item = items.nth(i);
      await item.locator('summary').click();
      const ranges = chosen(result);
      const slices = (text: string, list: ReadonlyArray<{ start: number; end: number }>) =>
        list.map(({ start, end }) => text.slice(start, end));
      const shown = result.snippet.replace(/ …$/, '');
      const snippetMarks = ranges.abstract
        .map(({ start, end }) => ({ start: start - result.explain.snippet_start, end: end - result.explain.snippet_start }))
        .filter(({ start, end }) => start >= 0 && end <= shown.length);
      for (const [part, text, marks] of [
        ['.title', result.title, slices(result.title, ranges.title)],
        ['.snippet', result.snippet, slices(result.snippet, snippetMarks)],
        ['details.abstract p', result.abstract, slices(result.abstract, ranges.abstract)],
      ] as const) {
        expect(await item.locator(part).textContent()).toBe(text);
        expect(await item.locator(`${part} mark`).allTextContents(), `${part} of result ${i + 1}`).toEqual(marks);
      }
    }
    expect(await page.locator('#results mark', { hasText: /^robots$/i }).count(), 'a query word outside the ranges is not marked').toBe(0);
  });

  it('shows ten more results on "Show more", up to the API\'s maximum, and keeps k in the URL', async () => {
    const { page } = await open(`/?q=${encodeURIComponent(QUESTION)}`);
    expect(await page.locator('#results .result').count()).toBe(10);
    const entries = await page.evaluate(() => history.length);
    const more = page.getByRole('button', { name: 'Show more' });
    await answerTo(page, /^\/api\/search$/, () => more.click());

    expect(searchParams(page)).toEqual({ q: QUESTION, mode: 'hybrid', k: '20' });
    expect(await titlesOn(page)).toEqual(titlesOf(await asked(QUESTION, 'hybrid', 20)));
    expect(await page.locator('#status').textContent()).toMatch(/^20 papers for/);
    expect(await page.evaluate(() => history.length), 'one answer, made longer: no new history entry').toBe(entries);
    expect(
      await page.evaluate(() => document.activeElement?.closest('#results .result') === document.querySelectorAll('#results .result')[10]),
      'focus moves to the first new result',
    ).toBe(true);

    // The URL carries k: a reload, and the next question, keep it.
    await page.reload();
    await settled(page);
    expect(await page.locator('#results .result').count()).toBe(20);
    await search(page, OTHER_QUESTION);
    expect(searchParams(page)).toEqual({ q: OTHER_QUESTION, mode: 'hybrid', k: '20' });
    expect(await page.locator('#results .result').count()).toBe(20);

    // At the API's maximum, there is no more to ask for.
    await page.goto(`${server.url}/?q=${encodeURIComponent(QUESTION)}&k=95`);
    await settled(page);
    await answerTo(page, /^\/api\/search$/, () => more.click());
    expect(searchParams(page).k).toBe('100');
    expect(await page.locator('#results .result').count()).toBe(100);
    expect(await more.isHidden()).toBe(true);

    // A complete answer (fewer papers than asked for) offers no more either.
    await page.goto(`${server.url}/?q=DiffClone&mode=lexical`);
    await settled(page);
    const shown = await page.locator('#results .result').count();
    expect(shown, 'precondition: few papers contain the word').toBeGreaterThan(0);
    expect(shown).toBeLessThan(10);
    expect(await more.isHidden()).toBe(true);
  });

  it('shows the full abstract on expand', async () => {
    const { page } = await open(`/?q=${encodeURIComponent(QUESTION)}`);
    const first = page.locator('#results .result').first();
    const abstract = first.locator('details.abstract p');
    expect(await abstract.isVisible()).toBe(false);
    await first.locator('summary').click();
    expect(await abstract.isVisible()).toBe(true);
    const expected = (await asked(QUESTION)).results[0]!;
    expect(await abstract.textContent()).toBe(expected.abstract);
    expect(await abstract.locator('mark').count()).toBeGreaterThan(0);
    expect(expected.abstract.length).toBeGreaterThan(expected.snippet.length);
  });

  it('loads the results of a shared URL, mode included', async () => {
    const { page } = await open(`/?q=${encodeURIComponent(OTHER_QUESTION)}&mode=lexical`);
    expect(await page.locator('#q').inputValue()).toBe(OTHER_QUESTION);
    expect(await page.locator('input[name="mode"][value="lexical"]').isChecked()).toBe(true);
    expect(await titlesOn(page)).toEqual(titlesOf(await asked(OTHER_QUESTION, 'lexical')));
  });

  it.each(['dense', 'lexical'] as const)('switches to %s mode: the URL, the request and the results follow', async (mode: Mode) => {
    const { page, requests } = await open('/');
    await search(page, QUESTION);
    await answerTo(page, /^\/api\/search$/, () => page.locator('label.mode', { hasText: new RegExp(`^${mode}$`, 'i') }).click());

    expect(searchParams(page)).toEqual({ q: QUESTION, mode });
    expect(requests.filter((r) => r.includes('/api/')).at(-1)).toBe(
      `GET ${server.url}/api/search?q=robot+imitation+from+video&mode=${mode}`,
    );
    expect(await titlesOn(page)).toEqual(titlesOf(await asked(QUESTION, mode)));
    expect(await page.locator('#status').textContent()).toContain(`· ${mode} in`);
    if (mode === 'dense') {
      for (const label of await page.locator('#results .score .value').allTextContents())
        expect(Number(label.replace('score ', ''))).toBeLessThanOrEqual(1);
    }

    // A reload keeps the mode and the answer; back goes to the hybrid answer.
    await page.reload();
    await settled(page);
    expect(await page.locator(`input[name="mode"][value="${mode}"]`).isChecked()).toBe(true);
    expect(await titlesOn(page)).toEqual(titlesOf(await asked(QUESTION, mode)));
    await page.goBack();
    await settled(page);
    expect(searchParams(page).mode).toBe('hybrid');
    expect(await page.locator('input[name="mode"][value="hybrid"]').isChecked()).toBe(true);
    expect(await titlesOn(page)).toEqual(titlesOf(await asked(QUESTION)));
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
    const expected = await asked(OFF_TOPIC);
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
    expect((await asked(query, 'lexical')).results, 'precondition: no paper has these words').toEqual([]);
    const { page } = await open(`/?q=${encodeURIComponent(query)}&mode=lexical`);
    expect(await page.locator('#notice.empty').textContent()).toMatch(
      /^Nothing matched\. Lexical mode only finds papers containing these words/,
    );
    expect(await page.locator('#status').textContent()).toMatch(/^0 papers for/);
    expect(await page.locator('#results .result').count()).toBe(0);
  });

  it("shows the API's error message, not a blank page", async () => {
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
    const first = (await asked(QUESTION)).results[0]!;
    await answerTo(page, /\/similar$/, () => page.locator('#results a.similar').first().click());

    expect(searchParams(page)).toEqual({ similar: first.id });
    expect(await page.locator('#context h2').textContent()).toBe(`Papers similar to ${first.title}`);
    const expected = await apiAnswer(server, `/api/papers/${encodeURIComponent(first.id)}/similar`);
    expect(await titlesOn(page)).toEqual(titlesOf(expected));
    expect(await titlesOn(page)).not.toContain(first.title);
    expect(await page.locator('#results mark').count(), 'a whole paper shares most words with its neighbours: none is marked').toBe(0);
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
    expect(await titlesOn(page)).toEqual(titlesOf(await asked(QUESTION)));
  });

  it('finds papers similar to a pasted abstract', async () => {
    const paper = await seedPaper('UniSkill');
    const { page, requests } = await open('/');
    await page.locator('#view-paste').click();
    expect(searchParams(page)).toEqual({ view: 'paste', mode: 'hybrid' });
    expect(await page.locator('#text').evaluate((box) => box === document.activeElement)).toBe(true);
    expect(await page.locator('#q').isVisible()).toBe(false);

    await page.locator('#text').fill(paper.abstract);
    await answerTo(page, /^\/api\/similar$/, () => page.getByRole('button', { name: 'Find similar papers' }).click());
    expect(requests.filter((r) => r.includes('/api/')).at(-1)).toBe(`POST ${server.url}/api/similar`);
    const expected = await similarTo(paper.abstract);
    expect(await titlesOn(page)).toEqual(titlesOf(expected));
    expect((await titlesOn(page))[0]).toBe(paper.title);
    expect(await page.locator('#status').textContent()).toMatch(/^10 papers similar to the pasted text · hybrid/);
    expect(await page.locator('#results mark').count(), 'a pasted text shares most words with its results: none is marked').toBe(0);

    // Mode change re-runs it; a reload keeps the pasted text and the answer.
    await answerTo(page, /^\/api\/similar$/, () => page.locator('label.mode', { hasText: 'Dense' }).click());
    expect(searchParams(page)).toEqual({ view: 'paste', mode: 'dense' });
    expect(await titlesOn(page)).toEqual(titlesOf(await similarTo(paper.abstract, 'dense')));
    await page.reload();
    await settled(page);
    expect(await page.locator('#text').inputValue()).toBe(paper.abstract.trim());
    expect(await titlesOn(page)).toEqual(titlesOf(await similarTo(paper.abstract, 'dense')));
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

describe('a pasted abstract', () => {
  it('comes back with its answer on reload, back and forward, and after visiting similar papers', async () => {
    const first = (await seedPaper('UniSkill')).abstract;
    const second = (await seedPaper('DiffClone')).abstract;
    const { page } = await open('/?view=paste');
    await page.locator('#text').fill(first);
    await answerTo(page, /^\/api\/similar$/, () => page.locator('#text').press('Control+Enter'));
    await page.locator('#text').fill(second);
    await answerTo(page, /^\/api\/similar$/, () => page.locator('#text').press('Control+Enter'));
    const firstTitles = titlesOf(await similarTo(first));
    const secondTitles = titlesOf(await similarTo(second));
    expect(firstTitles).not.toEqual(secondTitles);

    const shows = async (text: string, titles: string[]) => {
      await settled(page);
      expect(searchParams(page)).toEqual({ view: 'paste', mode: 'hybrid' });
      expect(await page.locator('#text').inputValue()).toBe(text.trim());
      expect(await titlesOn(page)).toEqual(titles);
    };
    await page.reload();
    await shows(second, secondTitles);
    await page.goBack();
    await shows(first, firstTitles);
    await page.reload();
    await shows(first, firstTitles);
    await page.goForward();
    await shows(second, secondTitles);

    await answerTo(page, /\/similar$/, () => page.locator('#results a.similar').first().click());
    expect(await page.locator('#text').isVisible()).toBe(false);
    await page.goBack();
    await shows(second, secondTitles);
  });
});

describe('history and keyboard', () => {
  it('restores earlier queries and their results with back and forward', async () => {
    const { page } = await open('/');
    await search(page, QUESTION);
    await search(page, OTHER_QUESTION);
    const first = titlesOf(await asked(QUESTION));
    const second = titlesOf(await asked(OTHER_QUESTION));
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
      reached.push(
        await page.evaluate(() => {
          const active = document.activeElement;
          return active?.closest('#results') ? `result ${active.tagName.toLowerCase()}` : (active?.tagName.toLowerCase() ?? '');
        }),
      );
    }
    expect(reached).toContain('result summary');
    expect(reached).toContain('result a');
    // Enter on the focused "Full abstract" opens it.
    await page.locator('#results summary').first().focus();
    await page.keyboard.press('Enter');
    expect(await page.locator('#results details').first().getAttribute('open')).toBe('');

    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('input, textarea, select, button, a, summary')]
        .filter((element) => {
          const labels = (element as HTMLInputElement).labels;
          const name = element.getAttribute('aria-label') ?? (labels && labels.length > 0 ? labels[0]!.textContent : element.textContent);
          return !name?.trim();
        })
        .map((element) => element.outerHTML.slice(0, 80)),
    );
    expect(unlabelled).toEqual([]);
  });
});

describe('another library: hostile text, authors, years and links', () => {
  let dir: string;
  let hostile: RunningServer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paper-search-web-hostile-'));
    const papers = [
      {
        id: 'hostile-title',
        title: '<script>alert("title")</script> Tactile robot hands',
        abstract:
          'We study <img src=x onerror="alert(\'abstract\')"> tactile robot hands that grasp <b>fragile</b> objects. A second sentence about robot hands.',
        authors: ['<b>Eve</b> <img src=x onerror="alert(\'author\')">'],
        url: 'javascript:alert("url")',
      },
      {
        id: 'plain',
        title: 'Legged robot locomotion on rough terrain',
        abstract: 'A quadruped learns to walk on rough terrain with reinforcement learning in simulation.',
      },
      {
        id: 'cited',
        title: 'Tactile sensing for robot grasping',
        abstract: 'Robot hands with tactile skins grasp fragile objects without crushing them.',
        authors: ['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Edsger Dijkstra', 'Barbara Liskov'],
        year: 2021,
        url: 'https://example.org/papers/tactile?x=1&y=2',
      },
      {
        id: 'two-authors',
        title: 'Robot hands that feel',
        abstract: 'Soft robot hands feel contact through tactile sensors.',
        authors: ['Ada Lovelace', 'Alan Turing'],
      },
      {
        id: 'year-only',
        title: 'A survey of tactile sensors for robots',
        abstract: 'We survey tactile sensors for robot hands.',
        year: 2019,
      },
    ];
    writeFileSync(join(dir, 'papers.jsonl'), papers.map((p) => JSON.stringify(p)).join('\n'));
    if (!(engine.encoder instanceof Embedder)) throw new Error('the seed engine is expected to encode with the real model');
    await buildIndex({ inputs: [join(dir, 'papers.jsonl')], outDir: join(dir, 'index'), embedder: engine.encoder });
    hostile = await startServer(new SearchEngine(await loadIndex(join(dir, 'index')), engine.encoder));
  });

  /** The result of paper `id` on the page. */
  const resultOf = (page: Page, id: string) =>
    page.locator('#results .result').filter({ has: page.locator('code.id', { hasText: new RegExp(`^${id}$`) }) });

  it("shows each paper's authors (three, then et al.), year and a link to it, and nothing when it has none", async () => {
    current = await watchedPage(browser.context);
    const { page } = current;
    await page.goto(`${hostile.url}/?q=tactile+robot+hands&k=5`);
    await settled(page);
    expect(await page.locator('#results .result').count()).toBe(5);

    const cited = resultOf(page, 'cited');
    expect(await cited.locator('.meta').textContent()).toBe('Ada Lovelace, Alan Turing, Grace Hopper et al. · 2021 · paper ↗');
    const link = cited.locator('.meta a');
    expect(await link.getAttribute('href')).toBe('https://example.org/papers/tactile?x=1&y=2');
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    // The line sits right under the title.
    expect(await cited.evaluate((item) => item.querySelector('.title')?.nextElementSibling?.className)).toBe('meta');

    expect(await resultOf(page, 'two-authors').locator('.meta').textContent()).toBe('Ada Lovelace, Alan Turing');
    expect(await resultOf(page, 'year-only').locator('.meta').textContent()).toBe('2019');
    expect(await resultOf(page, 'plain').locator('.meta').count()).toBe(0);
    // An author's markup is text, and a javascript: address is never a link.
    const hostileMeta = resultOf(page, 'hostile-title').locator('.meta');
    expect(await hostileMeta.textContent()).toBe('<b>Eve</b> <img src=x onerror="alert(\'author\')">');
    expect(await hostileMeta.locator('a, b, img').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('paper-details-desktop'), fullPage: true });

    // The same line on similar papers.
    await answerTo(page, /\/similar$/, () => resultOf(page, 'two-authors').locator('a.similar').click());
    expect(await resultOf(page, 'cited').locator('.meta').textContent()).toBe(
      'Ada Lovelace, Alan Turing, Grace Hopper et al. · 2021 · paper ↗',
    );
  });

  it('links only http(s) addresses, whatever an answer carries', async () => {
    current = await watchedPage(browser.context);
    const { page } = current;
    const addresses = [
      'javascript:alert(1)',
      'data:text/html,<script>alert(2)</script>',
      'not a url',
      ' JAVASCRIPT:alert(3)',
      'http://example.org/ok',
    ];
    await page.route(
      (url) => url.pathname === '/api/search',
      async (route) => {
        const response = await route.fetch();
        const answer = (await response.json()) as WireAnswer;
        answer.results.forEach((result, i) => {
          result.url = addresses[i % addresses.length]!;
        });
        await route.fulfill({ response, json: answer });
      },
    );
    await page.goto(`${hostile.url}/?q=tactile+robot+hands&k=5`);
    await settled(page);
    expect(await page.locator('#results .meta a').evaluateAll((links) => links.map((link) => link.getAttribute('href')))).toEqual([
      'http://example.org/ok',
    ]);
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
    await expect
      .poll(() => alert.textContent())
      .toMatch(/^No answer\. Could not reach the server \(.+\)\. Is it still running\? Try again$/);
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
    await page.locator('#text').fill((await seedPaper('UniSkill')).abstract);
    await answerTo(page, /^\/api\/similar$/, () => page.getByRole('button', { name: 'Find similar papers' }).click());
    await page.screenshot({ path: screenshotPath(`paste-${name}`) });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: screenshotPath(`paste-${name}-dark`) });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
  });
});
