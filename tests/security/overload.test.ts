import { describe, expect, inject, it } from 'vitest';
import { loadIndex } from '../../src/index/index.js';
import { Embedder } from '../../src/model/index.js';
import { SearchEngine } from '../../src/search/index.js';
import { createApp } from '../../src/server/index.js';
import { MODELS_DIR } from '../support/seed-engine.js';

describe('overload', () => {
  it('answers 503 with Retry-After when the embedding queue is full, keeps health answering, and recovers', async () => {
    const embedder = await Embedder.load({ modelsDir: MODELS_DIR, maxWaiting: 4 });
    const app = createApp(new SearchEngine(loadIndex(inject('seedIndexDir')), embedder));

    const burst = Array.from({ length: 40 }, (_, i) => app.request(`/api/search?q=${encodeURIComponent(`robot learning question number ${i}`)}`));
    const health = await app.request('/health');
    const answers = await Promise.all(burst);
    const statuses = answers.map((answer) => answer.status);
    const busy = answers.filter((answer) => answer.status === 503);
    console.log(`overload: ${statuses.filter((s) => s === 200).length} answered, ${busy.length} told to retry (503), of ${statuses.length} concurrent requests`);

    expect(health.status).toBe(200);
    expect(new Set(statuses)).toEqual(new Set([200, 503]));
    for (const answer of busy) {
      expect(answer.headers.get('retry-after')).toBe('1');
      expect(await answer.json()).toEqual({ error: { code: 'busy', message: expect.stringMatching(/queue is full/) } });
    }
    expect(embedder.pending).toBe(0);
    expect((await app.request('/api/search?q=after+the+burst')).status).toBe(200);
  });
});
