import { serve, type ServerType } from '@hono/node-server';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { SearchEngine } from '../../src/search/index.js';
import { createApp } from '../../src/server/app.js';

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = resolve('tests/artifacts/web');

export interface RunningServer {
  url: string;
  server: ServerType;
  close(): Promise<void>;
}

/** The real app on an ephemeral loopback port. */
export function startServer(engine: SearchEngine): Promise<RunningServer> {
  return new Promise((done, fail) => {
    const server = serve({ fetch: createApp(engine).fetch, hostname: '127.0.0.1', port: 0 }, (info) => {
      done({
        url: `http://127.0.0.1:${info.port}`,
        server,
        close: () => new Promise<void>((closed) => {
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
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
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
