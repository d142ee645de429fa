import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../../src/index/index.js';
import { Embedder } from '../../src/model/index.js';
import { readCorpus, type Paper } from '../../src/papers/index.js';
import { MODELS_DIR } from '../support/seed-engine.js';

const writeJsonl = (file: string, papers: Paper[]) => writeFileSync(file, `${papers.map((p) => JSON.stringify(p)).join('\n')}\n`);

/** Papers only generation `g` brings: ten of them per build, all found by the query "wombat marker". */
const markers = (g: number): Paper[] =>
  Array.from({ length: 10 }, (_, i) => ({
    id: `marker-${g}-${i}`,
    title: `Wombat marker study ${g}.${i}`,
    abstract: `A wombat marker paper added by build ${g}, about robot grasping number ${i}.`,
  }));
const markersUpTo = (g: number) => Array.from({ length: g - 1 }, (_, i) => markers(i + 2)).flat();

let server: ChildProcess | undefined;
let stderr = '';
afterAll(() => server?.kill('SIGTERM'));

function startServer(indexDir: string): Promise<string> {
  return new Promise((listening, fail) => {
    server = spawn(process.execPath, ['.build/cli/paper-search.js', 'serve', '--index', indexDir, '--port', '0'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    server.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const port = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr)?.[1];
      if (port) listening(`http://127.0.0.1:${port}`);
    });
    server.on('exit', (code) => fail(new Error(`server exited with ${code}: ${stderr}`)));
  });
}

let seeds: Paper[];
let embedder: Embedder;
beforeAll(async () => {
  seeds = (await readCorpus([resolve('seeds')])).papers;
  embedder = await Embedder.load({ modelsDir: MODELS_DIR });
});

describe('a server under load while builds commit new generations', () => {
  it('switches to each generation by itself, fails no request, and answers each request from one whole generation', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paper-search-live-'));
    const library = join(dir, 'library.jsonl');
    const out = join(dir, 'index');
    writeJsonl(library, seeds.slice(0, 100));
    await buildIndex({ inputs: [library], outDir: out, embedder });
    const url = await startServer(out);

    const failures: string[] = [];
    const generationsSeen = new Set<number>();
    let answers = 0;
    let running = true;
    // 8 clients asking, each request checked against the generation it says answered it.
    const client = async () => {
      while (running) {
        const response = await fetch(`${url}/api/search?q=wombat+marker&mode=lexical&k=100`);
        if (response.status !== 200) {
          failures.push(`status ${response.status}: ${await response.text()}`);
          continue;
        }
        const answer = (await response.json()) as { generation: number; results: Array<{ id: string }> };
        const expected = markersUpTo(answer.generation).map((paper) => paper.id);
        const got = answer.results.map((result) => result.id).filter((id) => id.startsWith('marker-'));
        if (JSON.stringify([...got].sort()) !== JSON.stringify([...expected].sort()))
          failures.push(`generation ${answer.generation} answered with markers ${got.join(',')}`);
        generationsSeen.add(answer.generation);
        answers++;
      }
    };
    const clients = Array.from({ length: 8 }, client);

    const health = async () => (await (await fetch(`${url}/health`)).json()) as { generation: number; papers: number };
    for (let g = 2; g <= 4; g++) {
      writeJsonl(library, [...seeds.slice(0, 100), ...markersUpTo(g)]);
      const summary = await buildIndex({ inputs: [], outDir: out, embedder });
      expect(summary.incremental).toBe(true);
      for (const deadline = Date.now() + 30_000; (await health()).generation !== g; ) {
        if (Date.now() > deadline) throw new Error(`the server did not switch to generation ${g}: ${stderr}`);
        await new Promise((wake) => setTimeout(wake, 50));
      }
      expect((await health()).papers).toBe(100 + 10 * (g - 1));
    }
    running = false;
    await Promise.all(clients);

    expect(failures).toEqual([]);
    expect(answers).toBeGreaterThan(20);
    expect([...generationsSeen].sort()).toEqual(expect.arrayContaining([1, 4]));
    expect(stderr).toMatch(/now serving generation 4 of .* \(130 papers/);
  });
});
