import { cpSync, mkdtempSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { IndexUnreadableError, loadIndex } from '../../src/index/index.js';
import { Embedder } from '../../src/model/index.js';
import { SearchEngine } from '../../src/search/index.js';
import { createApp } from '../../src/server/index.js';
import { MODELS_DIR } from '../support/seed-engine.js';

const dirs: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('an index damaged after start-up', () => {
  it('answers 503 index_unreadable in one line, logs it once, and /health says unreadable until a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paper-search-unreadable-app-'));
    dirs.push(dir);
    cpSync(inject('seedIndexDir'), dir, { recursive: true });
    const index = await loadIndex(dir);
    const app = createApp(new SearchEngine(index, await Embedder.load({ modelsDir: MODELS_DIR })));
    expect(await (await app.request('/health')).json()).toMatchObject({ status: 'ok' });

    const papersFile = index.manifest.segments[0]!.papers.name;
    truncateSync(join(dir, papersFile), 1000);
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const message = new IndexUnreadableError(dir, papersFile).message;

    for (const path of ['/api/search?q=robot+learning&mode=lexical&k=100', '/api/papers?limit=1000']) {
      const answer = await app.request(path);
      expect(answer.status, path).toBe(503);
      expect(answer.headers.get('retry-after'), 'retrying will not help').toBeNull();
      expect(await answer.json()).toEqual({ error: { code: 'index_unreadable', message } });
    }
    expect(message).not.toContain('\n');
    expect(logged.mock.calls).toEqual([[`error: ${message}`]]);

    const health = await app.request('/health');
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: 'unreadable', message, papers: index.size });
    index.close();
  });
});
