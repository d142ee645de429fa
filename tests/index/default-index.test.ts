import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex, isIndexCurrent, readManifest } from '../../src/index/index.js';
import { Embedder } from '../../src/model/index.js';
import { readCorpus, type Paper } from '../../src/papers/index.js';
import { MODELS_DIR } from '../support/seed-engine.js';

const CLI = resolve('.build/cli/paper-search.js');
const writeJsonl = (file: string, papers: Paper[]) => writeFileSync(file, `${papers.map((p) => JSON.stringify(p)).join('\n')}\n`);

let seeds: Paper[];
let cwd: string;
beforeAll(async () => {
  seeds = (await readCorpus([resolve('seeds')])).papers;
  cwd = mkdtempSync(join(tmpdir(), 'paper-search-user-cwd-'));
  symlinkSync(resolve(MODELS_DIR), join(cwd, 'models'));
});
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

/** Runs `paper-search serve` in `cwd` with the default index folder (`./index`), returns what /health says, then stops that server. */
async function healthOfDefaultServe(): Promise<{ papers: number; log: string }> {
  const environment: NodeJS.ProcessEnv = { ...process.env, PORT: '0' };
  delete environment.INDEX_DIR;
  delete environment.MODELS_DIR;
  const server = spawn(process.execPath, [CLI, 'serve'], { cwd, env: environment, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  try {
    const port = await new Promise<string>((found, failed) => {
      server.stderr.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        const listening = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(log);
        if (listening) found(listening[1]!);
      });
      server.on('exit', (code) => failed(new Error(`serve exited with ${code}: ${log}`)));
    });
    const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as { papers: number };
    return { papers: health.papers, log };
  } finally {
    server.kill();
  }
}

describe('the default index folder holding a user index', () => {
  it('is served as it is, never replaced by the seed index, and refreshed only from the inputs it remembers', async () => {
    const library = join(cwd, 'my-papers.jsonl');
    writeJsonl(library, seeds.slice(0, 12));
    const embedder = await Embedder.load({ modelsDir: MODELS_DIR });
    await buildIndex({ inputs: [library], outDir: join(cwd, 'index'), embedder });
    const built = readFileSync(join(cwd, 'index', 'manifest.json'), 'utf8');
    expect(await isIndexCurrent(join(cwd, 'index'), readManifest(join(cwd, 'index')))).toBe(true);

    const asBuilt = await healthOfDefaultServe();
    expect(asBuilt.papers).toBe(12);
    expect(asBuilt.log).not.toMatch(/Building the seed index|Updating the index/);
    expect(readFileSync(join(cwd, 'index', 'manifest.json'), 'utf8')).toBe(built);

    // The user's library grew: the server refreshes the index from that library, not from the seeds.
    writeJsonl(library, seeds.slice(0, 15));
    const refreshed = await healthOfDefaultServe();
    expect(refreshed.log).toMatch(/Updating the index: its inputs changed/);
    expect(refreshed.papers).toBe(15);
    expect(readManifest(join(cwd, 'index')).inputs).toEqual(['../my-papers.jsonl']);
  });
});
