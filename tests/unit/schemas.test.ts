import { describe, expect, it } from 'vitest';
import { SearchQuerySchema, SimilarBodySchema, SimilarPaperQuerySchema } from '../../src/contract/schemas.js';

/** The messages a query string's parameters (as the server receives them: text, or an array when repeated) get. */
function problems(query: Record<string, unknown>): string[] {
  const parsed = SearchQuerySchema.safeParse(query);
  return parsed.success ? [] : parsed.error.issues.map((issue) => issue.message);
}

describe('SearchQuerySchema', () => {
  it('fills in k and mode, converts k from text and trims q', () => {
    expect(SearchQuerySchema.parse({ q: '  robot imitation ' })).toEqual({ q: 'robot imitation', k: 10, mode: 'hybrid' });
    expect(SearchQuerySchema.parse({ q: 'DiffClone', k: '3', mode: 'lexical' })).toEqual({ q: 'DiffClone', k: 3, mode: 'lexical' });
  });

  it('refuses an unknown parameter, naming it and the accepted ones', () => {
    expect(problems({ q: 'robots', limit: '5' })).toEqual([
      'unknown parameter "limit"; accepted: q, k, mode, year_min, year_max, author, venue, tag, format, explain',
    ]);
    expect(problems({ q: 'robots', top: '5', sort: 'date' })).toEqual([
      'unknown parameter "top", "sort"; accepted: q, k, mode, year_min, year_max, author, venue, tag, format, explain',
    ]);
  });

  it('accepts k from 1 to 100 and refuses whatever is outside, fractional or not a number', () => {
    expect(SearchQuerySchema.parse({ q: 'a', k: '1' }).k).toBe(1);
    expect(SearchQuerySchema.parse({ q: 'a', k: '100' }).k).toBe(100);
    expect(problems({ q: 'a', k: '0' })).toEqual(['k must be at least 1']);
    expect(problems({ q: 'a', k: '101' })).toEqual(['k must be at most 100']);
    expect(problems({ q: 'a', k: '2.5' })).toEqual(['k must be a whole number']);
    expect(problems({ q: 'a', k: 'ten' })).toEqual(['k must be a whole number']);
    expect(problems({ q: 'a', k: '' })).toEqual(['k must be a whole number']);
  });

  it('says a repeated parameter must be given once, rather than a type error', () => {
    expect(problems({ q: ['robots', 'drones'] })).toEqual(['q must be given once']);
    expect(problems({ q: 'a', k: ['1', '2'] })).toEqual(['k must be given once']);
    expect(problems({ q: 'a', mode: ['dense', 'lexical'] })).toEqual(['mode must be given once']);
  });

  it('requires a non-blank q of at most 1000 characters and a known mode', () => {
    expect(problems({})).toEqual(['q is required']);
    expect(problems({ q: ' \n ' })).toEqual(['q must not be empty']);
    expect(problems({ q: 'x'.repeat(1001) })).toEqual(['q must be at most 1000 characters']);
    expect(problems({ q: 'x'.repeat(1000) })).toEqual([]);
    expect(problems({ q: 'a', mode: 'fuzzy' })).toEqual(['mode must be one of hybrid, dense, lexical']);
  });
});

describe('the other closed request schemas', () => {
  it('name an unknown body field and an unknown parameter of similar-to-paper the same way', () => {
    const body = SimilarBodySchema.safeParse({ text: 'an abstract', query: 'x' });
    expect(body.success ? [] : body.error.issues.map((issue) => issue.message)).toEqual([
      'unknown field "query"; accepted: text, k, mode, year_min, year_max, author, venue, tag, format, explain',
    ]);
    const similar = SimilarPaperQuerySchema.safeParse({ k: '5', mode: 'dense' });
    expect(similar.success ? [] : similar.error.issues.map((issue) => issue.message)).toEqual([
      'unknown parameter "mode"; accepted: k, year_min, year_max, author, venue, tag, format, explain',
    ]);
  });
});
