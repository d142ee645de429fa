import { describe, expect, it } from 'vitest';
import type { WireAnswer } from '../../src/contract/schemas.js';
import { answerText, paperText } from '../../src/mcp/text.js';

const RESULT = {
  id: 'many-hands-1a2b3c4d',
  title: 'Many hands make light work',
  score: 1.5,
  snippet: 'Four robots share one load.',
  abstract: 'Four robots share one load. They talk.',
  matched_words: ['robots'],
  explain: {
    terms: ['robot'],
    title: [],
    abstract: [{ start: 5, end: 11, term: 'robot' }],
    snippet_start: 0,
    lexical_rank: 1,
    dense_rank: 2,
    passage: null,
  },
};

const answer = (results: WireAnswer['results'], confidence: WireAnswer['confidence'] = 'high'): WireAnswer => ({
  query: 'robots sharing a load',
  mode: 'hybrid',
  generation: 1,
  took_ms: 3,
  confidence,
  results,
});

describe('MCP text for models', () => {
  it('names three authors then "et al.", and leaves out what a paper does not have', () => {
    const text = answerText(
      answer([
        { ...RESULT, authors: ['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Edsger Dijkstra'], year: 2024 },
        { ...RESULT, id: 'untitled-year-5e6f7a8b', title: 'Known by its title alone', snippet: '' },
      ]),
      'for "robots sharing a load"',
    );
    expect(text).toBe(
      [
        'Confidence: high: the library covers this.',
        '2 papers for "robots sharing a load", best first:',
        '',
        '1. Many hands make light work (2024)',
        '   Ada Lovelace, Alan Turing, Grace Hopper et al.',
        '   "Four robots share one load."',
        '   why: matched robots',
        '   id: many-hands-1a2b3c4d',
        '',
        '2. Known by its title alone',
        '   why: matched robots',
        '   id: untitled-year-5e6f7a8b',
      ].join('\n'),
    );
  });

  it('says low confidence plainly, and when nothing was found, only that', () => {
    expect(
      answerText(answer([RESULT], 'low'), 'for "x"')
        .split('\n')
        .slice(0, 2),
    ).toEqual([
      'Confidence: low: the library probably does not cover this. These are only the nearest papers; say so instead of answering from them.',
      '1 paper for "x", best first:',
    ]);
    expect(answerText(answer([], 'low'), 'similar to the given text')).toBe('No papers found similar to the given text.');
  });

  it('writes a paper without an abstract or optional fields as its title and id', () => {
    expect(paperText({ id: 'bare-9c8d7e6f', title: 'A bare record', abstract: '' })).toBe(
      'A bare record\nid: bare-9c8d7e6f\n\n(no abstract: the library knows this paper by its title alone)',
    );
  });
});
