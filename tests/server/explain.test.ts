import { beforeAll, describe, expect, it } from 'vitest';
import { RecommendAnswerSchema, SearchAnswerSchema, type WireAnswer } from '../../src/contract/schemas.js';
import { MODES, RECOMMEND_MODES } from '../../src/contract/values.js';
import { createApp } from '../../src/server/app.js';
import { analyze, analyzeTerm } from '../../src/text/index.js';
import { seedEngine, seedIndex } from '../support/seed-engine.js';

let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  app = createApp(await seedEngine());
});

async function answerOf(path: string, body?: object): Promise<WireAnswer> {
  const schema = path === '/api/recommend' ? RecommendAnswerSchema : SearchAnswerSchema;
  const init = body ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : undefined;
  const response = await app.request(path, init);
  expect(response.status, await response.clone().text()).toBe(200);
  // Checked against the contract, so every result has `explain` in its documented shape.
  return schema.strict().parse(await response.json()) as WireAnswer;
}

/**
 * Every result's explanation is true to the text the answer returns: each span slices to a word of the
 * title or abstract whose analyzed term is the span's, a term of the query; the terms listed are exactly
 * those spans' terms; matched_words are the spans' words; the snippet carries the spans inside it.
 */
function expectTrueExplanations(answer: WireAnswer, queryTerms: ReadonlySet<string>): void {
  expect(answer.results.length).toBeGreaterThan(0);
  for (const result of answer.results) {
    const { explain } = result;
    const words = new Set<string>();
    for (const field of ['title', 'abstract'] as const) {
      for (const span of explain[field]) {
        const word = result[field].slice(span.start, span.end);
        expect(analyzeTerm(word), `"${word}" in the ${field} of ${result.id}`).toBe(span.term);
        expect(queryTerms.has(span.term), `${span.term} is a query term`).toBe(true);
        // A whole word: no letter or digit touches it on either side.
        expect(result[field].slice(span.start - 1, span.start)).not.toMatch(/[\p{L}\p{N}]/u);
        expect(result[field].slice(span.end, span.end + 1)).not.toMatch(/[\p{L}\p{N}]/u);
        words.add(word.toLowerCase());
      }
    }
    expect(new Set(explain.terms)).toEqual(new Set([...explain.title, ...explain.abstract].map((span) => span.term)));
    expect(new Set(result.matched_words)).toEqual(words);
    const shown = result.snippet.replace(/ …$/, '');
    expect(result.abstract.slice(explain.snippet_start, explain.snippet_start + shown.length)).toBe(shown);
  }
}

describe('explain in every answer', () => {
  for (const mode of MODES) {
    it(`${mode}: every result says which query terms it matched and where, and its ranks`, async () => {
      const q = 'world models for robot learning';
      const answer = await answerOf(`/api/search?q=${encodeURIComponent(q)}&mode=${mode}&k=20`);
      expectTrueExplanations(answer, new Set(analyze(q)));
      answer.results.forEach((result, i) => {
        expect(result.explain.passage, 'only explain=full finds the passage').toBeNull();
        // A single-list mode's results are its list, in order; the other list was not consulted.
        if (mode === 'lexical') expect([result.explain.lexical_rank, result.explain.dense_rank]).toEqual([i + 1, null]);
        if (mode === 'dense') expect([result.explain.lexical_rank, result.explain.dense_rank]).toEqual([null, i + 1]);
        if (mode === 'hybrid' && i < 3) expect(result.explain.lexical_rank ?? result.explain.dense_rank).not.toBeNull();
      });
    });
  }

  it('a lookup explains with the forms it was searched with: "Mimic Gen" matches MimicGen', async () => {
    const answer = await answerOf('/api/search?q=Mimic+Gen');
    expectTrueExplanations(answer, new Set(analyze('Mimic Gen MimicGen')));
    const top = answer.results[0]!;
    expect(top.title).toMatch(/^MimicGen:/);
    expect(top.explain.terms).toContain('mimicgen');
    expect(top.title.slice(top.explain.title[0]!.start, top.explain.title[0]!.end)).toBe('MimicGen');
  });

  it('similar text, similar paper and recommendations explain too', async () => {
    const paper = seedIndex().paper(seedIndex().liveOrdinals()[0]!);
    const text = paper.abstract;
    expectTrueExplanations(await answerOf('/api/similar', { text, k: 5 }), new Set(analyze(text)));
    const similar = await answerOf(`/api/papers/${encodeURIComponent(paper.id)}/similar?k=5`);
    expectTrueExplanations(similar, new Set(analyze(`${paper.title} ${paper.abstract}`)));
    for (const mode of RECOMMEND_MODES) {
      const recommended = await answerOf('/api/recommend', { liked: [paper.id], k: 5, mode });
      expectTrueExplanations(recommended, new Set(analyze(`${paper.title} ${paper.abstract}`)));
    }
  });

  it('explain=full adds the passage nearest the query: the title or a sentence of the abstract, by its range', async () => {
    const q = 'learning a model of the world to plan in imagination';
    const answer = await answerOf(`/api/search?q=${encodeURIComponent(q)}&k=5&explain=full`);
    expectTrueExplanations(answer, new Set(analyze(q)));
    for (const result of answer.results) {
      const passage = result.explain.passage!;
      expect(passage, result.id).not.toBeNull();
      const text = result[passage.field].slice(passage.start, passage.end);
      if (passage.field === 'title') expect(text).toBe(result.title);
      else expect(text).toMatch(/^\S.*[.!?]?$/su);
      expect(passage.similarity).toBeGreaterThan(0);
      expect(passage.similarity).toBeLessThanOrEqual(1);
    }
    const similar = await answerOf('/api/similar', { text: q, k: 3, explain: 'full' });
    expect(similar.results.every((result) => result.explain.passage !== null)).toBe(true);
  });

  it('refuses an unknown explain level in one line', async () => {
    const response = await app.request('/api/search?q=robots&explain=everything');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toBe('explain must be basic or full');
  });
});
