import { describe, expect, inject, it } from 'vitest';
import { loadIndex } from '../../src/index/index.js';
import { Embedder } from '../../src/model/index.js';
import { SearchEngine } from '../../src/search/index.js';
import { createApp } from '../../src/server/index.js';
import { MODELS_DIR, seedIndex } from '../support/seed-engine.js';
import { flood, serveApp } from './served-app.js';

/** Distinct texts of `chars` characters made of the seed abstracts (distinct, so no query cache answers them). */
function texts(count: number, chars: number): string[] {
  const prose = seedIndex()
    .allPapers()
    .map((paper) => paper.abstract)
    .join(' ');
  return Array.from({ length: count }, (_, i) => {
    const start = (i * 997) % (prose.length - chars);
    return `Request ${i}. ${prose.slice(start, start + chars)}`.slice(0, chars);
  });
}

type Flood = Awaited<ReturnType<typeof flood>>;

const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`;
const postJson = (path: string, body: object) => {
  const json = JSON.stringify(body);
  return `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`;
};

function expectBusyAnswers(result: Flood, kind: string): void {
  const statuses = result.answers.map((answer) => answer.status);
  const count = (status: number) => statuses.filter((s) => s === status).length;
  console.log(
    `overload, ${kind}: ${count(200)} answered, ${count(503)} told to retry (503) of ${statuses.length} concurrent; /health answered ${result.health.status} in ${result.healthMs.toFixed(0)} ms during the flood`,
  );
  expect(result.health.status).toBe(200);
  expect(new Set(statuses), 'every request answered 200 or 503, none dropped').toEqual(new Set([200, 503]));
  for (const answer of result.answers.filter((a) => a.status === 503)) {
    expect(answer.headers['retry-after']).toBe('1');
    expect(JSON.parse(answer.body)).toEqual({
      error: { code: 'busy', message: expect.stringMatching(/^the server is busy \(\d+ requests working, \d+ waiting\); retry shortly$/) },
    });
  }
}

describe('overload: admission control answers 503 busy before any work, in every mode, and /health keeps answering', () => {
  it('a flood of 20,000-character pastes (POST /api/similar) and of lexical 1,000-character queries', async () => {
    const embedder = await Embedder.load({ modelsDir: MODELS_DIR });
    const app = createApp(new SearchEngine(await loadIndex(inject('seedIndexDir')), embedder));
    const served = await serveApp(app);
    try {
      const pastes = texts(60, 20_000).map((text) => postJson('/api/similar', { text, k: 5 }));
      expectBusyAnswers(await flood(served.port, pastes), '20,000-character pastes');

      const lexical = texts(120, 1000).map((q) => get(`/api/search?${new URLSearchParams({ q, mode: 'lexical', k: '100' })}`));
      expectBusyAnswers(await flood(served.port, lexical), 'lexical 1,000-character queries');

      expect(embedder.pending).toBe(0);
      expect((await fetch(`${served.url}/api/search?q=after+the+burst`)).status).toBe(200);
    } finally {
      await served.close();
    }
  });
});
