import { serve, type ServerType } from '@hono/node-server';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { WireAnswer } from '../../src/contract/schemas.js';
import type { SearchEngine } from '../../src/search/index.js';
import { createApp, type AppOptions } from '../../src/server/app.js';

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = resolve('tests/artifacts/web');

export interface RunningServer {
  url: string;
  server: ServerType;
  close(): Promise<void>;
}

/** The real app on an ephemeral loopback port. */
export function startServer(engine: SearchEngine, options: AppOptions = {}): Promise<RunningServer> {
  return new Promise((done, fail) => {
    const server = serve({ fetch: createApp(engine, options).fetch, hostname: '127.0.0.1', port: 0 }, (info) => {
      done({
        url: `http://127.0.0.1:${info.port}`,
        server,
        close: () =>
          new Promise<void>((closed) => {
            server.close(() => closed());
            if ('closeAllConnections' in server) server.closeAllConnections();
          }),
      });
    });
    server.once('error', fail);
  });
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Debian's Chromium, headless, with a fresh profile that is deleted on close. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)`);
  const profile = mkdtempSync(join(tmpdir(), 'paper-search-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 800 },
  });
  context.setDefaultTimeout(20_000);
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** What a page did that a test did not ask for: script errors, console errors, dialogs. */
export interface Watched {
  page: Page;
  errors: string[];
  dialogs: string[];
  requests: string[];
}

export async function watchedPage(context: BrowserContext): Promise<Watched> {
  const page = await context.newPage();
  const watched: Watched = { page, errors: [], dialogs: [], requests: [] };
  page.on('pageerror', (error) => watched.errors.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') watched.errors.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('dialog', (dialog) => {
    watched.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('request', (request) => watched.requests.push(`${request.method()} ${request.url()}`));
  return watched;
}

export function screenshotPath(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, `${name}.png`);
}

/** Waits until the page has finished asking the API (the script clears aria-busy when done). */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => document.getElementById('answer')?.getAttribute('aria-busy') === 'false');
}

/** Runs an action that makes the page call `api` and waits for the answer to be on screen. */
export async function answerTo(page: Page, api: RegExp, action: () => Promise<unknown>): Promise<void> {
  const response = page.waitForResponse((r) => api.test(new URL(r.url()).pathname));
  await action();
  await response;
  await settled(page);
}

export async function search(page: Page, query: string): Promise<void> {
  await page.locator('#q').fill(query);
  await answerTo(page, /^\/api\/search$/, () => page.locator('#q').press('Enter'));
}

export const titlesOn = (page: Page) => page.locator('#results .title').allTextContents();
export const titlesOf = (answer: WireAnswer) => answer.results.map((r) => r.title);
export const searchParams = (page: Page) => Object.fromEntries(new URL(page.url()).searchParams);

/** What the JSON API itself answers, to compare the page with: `/api/...` by GET, or POST with a JSON body. */
export async function apiAnswer(
  server: RunningServer,
  path: string,
  body?: object,
  headers: Record<string, string> = {},
): Promise<WireAnswer> {
  const init =
    body === undefined
      ? { headers }
      : { method: 'POST', body: JSON.stringify(body), headers: { ...headers, 'content-type': 'application/json' } };
  const response = await fetch(server.url + path, init);
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as WireAnswer;
}
