import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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

const TOKEN = 'correct-horse-battery-staple-42';
const QUESTION = 'robot imitation from video';
const REFUSED = 'The server answered 401: missing or invalid access token; send Authorization: Bearer <token>';

let server: RunningServer;
let browser: Browser;
let current: Watched | undefined;

beforeAll(async () => {
  server = await startServer(await seedEngine(), { accessToken: TOKEN });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

afterEach(async () => {
  const watched = current;
  current = undefined;
  if (!watched) return;
  await watched.page.close();
  // Each refused request logs one "Failed to load resource" line; nothing else may go wrong.
  expect(watched.errors.filter((line) => !/Failed to load resource: the server responded with a status of 401/.test(line))).toEqual([]);
  expect(watched.dialogs).toEqual([]);
});

/** Every API request the page made, with the Authorization header it sent (or "none"). */
function apiCalls(watched: Watched): { path: string; authorization: string }[] {
  const calls: { path: string; authorization: string }[] = [];
  watched.page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/api/')) calls.push({ path: url.pathname, authorization: request.headers().authorization ?? 'none' });
  });
  return calls;
}

async function openPage(path: string): Promise<Watched> {
  current = await watchedPage(browser.context);
  await current.page.goto(server.url + path);
  await settled(current.page);
  return current;
}

describe('a server started with an access token', () => {
  it('keeps the page and its assets open, and the API closed', async () => {
    for (const path of ['/', '/assets/app.js', '/assets/style.css']) expect((await fetch(server.url + path)).status, path).toBe(200);
    expect((await fetch(`${server.url}/api/search?q=robots`)).status).toBe(401);
  });

  it('asks for the token on a 401, sends it on every call, and keeps it for the session', async () => {
    const watched = await openPage('/');
    const { page } = watched;
    const calls = apiCalls(watched);
    const form = page.locator('#token-form');
    expect(await form.isHidden()).toBe(true);

    await search(page, QUESTION);
    expect(await form.isVisible()).toBe(true);
    expect(await page.locator('#token-error').isHidden(), 'a first request is not a wrong token').toBe(true);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('token');
    expect(await page.locator('#results .result').count()).toBe(0);
    expect(await page.locator('#notice').isHidden()).toBe(true);
    expect(calls).toEqual([{ path: '/api/search', authorization: 'none' }]);
    await page.screenshot({ path: screenshotPath('token-desktop') });

    // A wrong token: the API's message, and the question again.
    await page.locator('#token').fill('not-the-token');
    await answerTo(page, /^\/api\/search$/, () => page.getByRole('button', { name: 'Use token' }).click());
    expect(await form.isVisible()).toBe(true);
    expect(await page.locator('#token-error').textContent()).toBe(REFUSED);
    expect(calls.at(-1)).toEqual({ path: '/api/search', authorization: 'Bearer not-the-token' });
    expect(await page.evaluate(() => sessionStorage.length), 'a refused token is not kept').toBe(0);
    await page.screenshot({ path: screenshotPath('token-refused-desktop') });

    // The right one: the answer, and the token never in the URL or history.
    await page.locator('#token').fill(TOKEN);
    await answerTo(page, /^\/api\/search$/, () => page.locator('#token').press('Enter'));
    expect(await form.isHidden()).toBe(true);
    const expected = titlesOf(
      await apiAnswer(server, `/api/search?q=${encodeURIComponent(QUESTION)}`, undefined, { authorization: `Bearer ${TOKEN}` }),
    );
    expect(await titlesOn(page)).toEqual(expected);
    expect(calls.at(-1)).toEqual({ path: '/api/search', authorization: `Bearer ${TOKEN}` });
    expect(searchParams(page)).toEqual({ q: QUESTION, mode: 'hybrid' });
    expect(JSON.stringify(await page.evaluate(() => history.state))).not.toContain(TOKEN);
    expect(await page.locator('#token').inputValue()).toBe('');

    // A reload in the same session keeps working, and so does every other call.
    const before = calls.length;
    await page.reload();
    await settled(page);
    expect(await form.isHidden()).toBe(true);
    expect(await titlesOn(page)).toEqual(expected);
    await answerTo(page, /\/similar$/, () => page.locator('#results a.similar').first().click());
    expect(await page.locator('#results .result').count()).toBe(10);
    await page.locator('#view-paste').click();
    await page.locator('#text').fill('Humanoid robots learn whole-body skills by imitating human videos.');
    await answerTo(page, /^\/api\/similar$/, () => page.locator('#text').press('Control+Enter'));
    expect(await page.locator('#results .result').count()).toBe(10);
    expect(
      calls
        .slice(before)
        .map((call) => call.path)
        .sort(),
    ).toEqual([
      expect.stringMatching(/^\/api\/papers\/[^/]+$/),
      expect.stringMatching(/^\/api\/papers\/[^/]+\/similar$/),
      '/api/search',
      '/api/similar',
    ]);
    for (const call of calls.slice(before)) expect(call.authorization, call.path).toBe(`Bearer ${TOKEN}`);
  });

  it('forgets the token on request, and asks again at the next search', async () => {
    const watched = await openPage('/');
    const { page } = watched;
    const calls = apiCalls(watched);
    await search(page, QUESTION);
    await page.locator('#token').fill(TOKEN);
    await answerTo(page, /^\/api\/search$/, () => page.locator('#token').press('Enter'));
    expect(await page.locator('#results .result').count()).toBe(10);

    const forget = page.getByRole('button', { name: 'Forget the token' });
    expect(await forget.isVisible()).toBe(true);
    await page.setViewportSize({ width: 390, height: 844 });
    await forget.scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('token-forget-narrow') });
    await forget.click();
    expect(await forget.isHidden()).toBe(true);
    expect(await page.locator('#notice').textContent()).toMatch(/forgotten/);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);

    await search(page, 'diffusion policy for robot manipulation');
    expect(await page.locator('#token-form').isVisible()).toBe(true);
    expect(calls.at(-1)).toEqual({ path: '/api/search', authorization: 'none' });
    await page.screenshot({ path: screenshotPath('token-narrow') });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });
});
