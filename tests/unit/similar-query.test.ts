import { describe, expect, it } from 'vitest';
import { distinctiveTermsQuery, paperPassages } from '../../src/search/similar/query.js';
import { analyze } from '../../src/text/index.js';

describe('paperPassages', () => {
  const paper = {
    title: 'Humanoid Shadowing',
    abstract: 'We build a humanoid. It shadows a person. Then it imitates skills. Results are strong.',
  };

  it('gives the title, then every window of consecutive sentences of the abstract', () => {
    expect(paperPassages(paper, 2)).toEqual([
      'Humanoid Shadowing',
      'We build a humanoid. It shadows a person.',
      'It shadows a person. Then it imitates skills.',
      'Then it imitates skills. Results are strong.',
    ]);
    expect(paperPassages(paper, 1)).toEqual([
      'Humanoid Shadowing',
      'We build a humanoid.',
      'It shadows a person.',
      'Then it imitates skills.',
      'Results are strong.',
    ]);
  });

  it('keeps an abstract shorter than a window whole, and a paper without an abstract as its title', () => {
    expect(paperPassages({ title: 'T', abstract: 'One sentence. Two sentences.' }, 3)).toEqual(['T', 'One sentence. Two sentences.']);
    expect(paperPassages({ title: 'T', abstract: '' }, 2)).toEqual(['T']);
  });
});

describe('distinctiveTermsQuery', () => {
  // Rarer terms weigh more: "humanoid" is rare, "learning" common.
  const idf = (term: string) => ({ humanoid: 3, teleoper: 2.5, learn: 0.1, robot: 0.5 })[term] ?? 1;
  const text = 'Humanoid teleoperation: learning, learning and learning for the humanoid robot';

  it('keeps the terms with the highest occurrences × idf, each once per occurrence, as the text first wrote it', () => {
    // humanoid 2 × 3 = 6, teleoperation 1 × 2.5, learning 3 × 0.1, robot 1 × 0.5; stop words never count.
    expect(distinctiveTermsQuery(text, idf, 2)).toBe('Humanoid Humanoid teleoperation');
    expect(distinctiveTermsQuery(text, idf, 3)).toBe('Humanoid Humanoid teleoperation robot');
  });

  it('analyzes to the chosen terms with their occurrences, so BM25 weighs them as in the whole text', () => {
    const query = distinctiveTermsQuery(text, idf, 10);
    expect(analyze(query).sort()).toEqual(analyze(text).sort());
  });

  it('is empty for a text of stop words only', () => {
    expect(distinctiveTermsQuery('the and of', idf, 5)).toBe('');
  });
});
