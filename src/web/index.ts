import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import { Page, pageState, type PageInfo } from './page.js';

export type { PageInfo } from './page.js';

/**
 * The page's static files, served from memory: the script is src/web/client/ bundled by esbuild, and the
 * stylesheet and icon are copied from src/web/assets/, all by `npm run build` into .build/web/assets/.
 * Built ahead rather than bundled at start-up: bundling with esbuild's API costs about 35 ms and an
 * esbuild child process at every start, and the server would need the TypeScript sources to run.
 * The folder is found from the package root, the same two levels up from src/web/ (tests) and
 * .build/web/ (the server).
 */
const ASSETS_DIR = new URL('../../.build/web/assets/', import.meta.url);
const ASSETS: Record<string, string> = {
  'app.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
  'icon.svg': 'image/svg+xml',
};

interface Asset {
  body: Uint8Array<ArrayBuffer>;
  type: string;
  etag: string;
}

function loadAssets(): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const [name, type] of Object.entries(ASSETS)) {
    const file = new URL(name, ASSETS_DIR);
    if (!existsSync(file)) throw new Error(`${fileURLToPath(file)} is missing: run npm run build`);
    const body = new Uint8Array(readFileSync(file));
    assets.set(name, { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` });
  }
  return assets;
}

/**
 * The search page at `/` and its assets at `/assets/*`. A thin front end: the page calls the JSON API
 * (`/api/search`, `/api/similar`, `/api/papers/:id/similar`) and holds no retrieval logic. `app` is any
 * Hono app, OpenAPIHono included.
 */
// biome-ignore lint/suspicious/noExplicitAny: any Hono app, OpenAPIHono included (its type parameters are invariant)
export function mountWeb(app: Hono<any, any, any>, info: PageInfo): void {
  const assets = loadAssets();

  app.get('/', (c) => c.html(Page({ state: pageState((name) => c.req.query(name)), info })));

  app.get('/assets/:name', (c) => {
    const asset = assets.get(c.req.param('name'));
    if (!asset) return c.notFound();
    c.header('Cache-Control', 'no-cache');
    c.header('ETag', asset.etag);
    if (c.req.header('if-none-match') === asset.etag) return c.body(null, 304);
    return c.body(asset.body, 200, { 'Content-Type': asset.type });
  });
}
