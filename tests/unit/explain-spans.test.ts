import { describe, expect, it } from 'vitest';
import type { Paper } from '../../src/papers/index.js';
import { matchedTerms, matchedWords } from '../../src/search/explain.js';
import { acronymExpansions, compoundForms, hasPhrase } from '../../src/search/lookup.js';
import { analyze, analyzeWithSpans, sentenceSpans, splitSentences, tokenize } from '../../src/text/index.js';
import { snippetRanges } from '../../src/web/client/highlight.js';

const paper = (title: string, abstract: string): Paper => ({ id: 'p', title, abstract });

/** What each span of a text slices to, with its term. */
const sliced = (text: string, spans: ReadonlyArray<{ start: number; end: number; term: string }>) =>
  spans.map(({ start, end, term }) => [text.slice(start, end), term]);

describe('analyzeWithSpans: stems mapped back to the words as written', () => {
  it('gives the same terms as analyze, each with the range of the word it came from', () => {
    const text = 'World Models learn to model the world; modelling is hard.';
    const spans = analyzeWithSpans(text);
    expect(spans.map((span) => span.term)).toEqual(analyze(text));
    expect(sliced(text, spans)).toEqual([
      ['World', 'world'],
      ['Models', 'model'],
      ['learn', 'learn'],
      ['model', 'model'],
      ['world', 'world'],
      ['modelling', 'model'],
      ['hard', 'hard'],
    ]);
  });

  it('splits hyphenated words into their parts, as the index does', () => {
    const text = 'real-world sim-to-real transfer';
    expect(sliced(text, analyzeWithSpans(text))).toEqual([
      ['real', 'real'],
      ['world', 'world'],
      ['sim', 'sim'],
      ['real', 'real'],
      ['transfer', 'transfer'],
    ]);
  });

  it('counts offsets in UTF-16 code units, so accents, astral letters and emoji before a word do not shift it', () => {
    const text = 'Naïve 𝒳-policies 🤖 für Roboter-Lernen';
    const spans = analyzeWithSpans(text);
    expect(sliced(text, spans)).toEqual([
      ['Naïve', analyze('Naïve')[0]],
      ['𝒳', analyze('𝒳')[0]],
      ['policies', 'polici'],
      ['für', analyze('für')[0]],
      ['Roboter', 'robot'],
      ['Lernen', analyze('Lernen')[0]],
    ]);
    expect(spans.map((span) => text.slice(span.start, span.end))).toEqual(tokenize(text).filter((token) => analyze(token).length > 0));
  });
});

describe('matchedTerms', () => {
  it('finds every occurrence of a repeated term in title and abstract, and lists each term once in query order', () => {
    const found = matchedTerms(
      paper('Learning World Models', 'A world model of the real-world. Models of worlds, learned.'),
      analyze('world models learning'),
    );
    expect(found.terms).toEqual(['world', 'model', 'learn']);
    expect(sliced('Learning World Models', found.title)).toEqual([
      ['Learning', 'learn'],
      ['World', 'world'],
      ['Models', 'model'],
    ]);
    expect(sliced('A world model of the real-world. Models of worlds, learned.', found.abstract)).toEqual([
      ['world', 'world'],
      ['model', 'model'],
      ['world', 'world'],
      ['Models', 'model'],
      ['worlds', 'world'],
      ['learned', 'learn'],
    ]);
  });

  it('matches nothing for a query of stop words only, and leaves out query terms the paper lacks', () => {
    expect(matchedTerms(paper('The Robot', 'It is here.'), analyze('the of and'))).toEqual({ terms: [], title: [], abstract: [] });
    expect(matchedTerms(paper('The Robot', 'It is here.'), analyze('robot dance')).terms).toEqual(['robot']);
  });

  it('lists matched words lower-cased, each once', () => {
    const p = paper('World Models', 'world models and a World.');
    expect(matchedWords(p, matchedTerms(p, analyze('world model')))).toEqual(['world', 'models']);
  });
});

describe('sentenceSpans', () => {
  it('gives the ranges of exactly the sentences splitSentences returns', () => {
    const text = '  We train robots.  It works!\nDoes it scale? (See below) for more.  ';
    expect(sentenceSpans(text).map(({ start, end }) => text.slice(start, end))).toEqual(splitSentences(text));
    expect(splitSentences(text)).toEqual(['We train robots.', 'It works!', 'Does it scale?', '(See below) for more.']);
  });
});

describe('snippetRanges: abstract ranges carried into a snippet', () => {
  const abstract = 'First sentence. World models predict. More text follows here.';
  const spans = matchedTerms(paper('', abstract), analyze('world model text')).abstract;

  it('shifts the ranges inside the snippet and drops those outside or cut off by " …"', () => {
    const start = abstract.indexOf('World');
    const snippet = `${abstract.slice(start, abstract.indexOf('text') + 2)} …`;
    const ranges = snippetRanges(abstract, snippet, start, spans);
    expect(ranges.map(({ start: s, end }) => snippet.slice(s, end))).toEqual(['World', 'models']);
  });
});

describe('lookups', () => {
  const vocabulary = new Set(['mimicgen', 'openvla', 'open', 'vla', 'mimic', 'gen', 'diffclon'].flatMap((word) => analyze(word)));
  const has = (term: string) => vocabulary.has(term);

  it('joins two words the library writes as one, and splits a camel-case name it writes in parts', () => {
    expect(compoundForms('Mimic Gen', has)).toEqual(['MimicGen']);
    expect(compoundForms('open vla models', has)).toEqual(['openvla']);
    expect(compoundForms('OpenVLA', has)).toEqual([]);
    expect(compoundForms('OpenVLA', (term) => term !== 'openvla' && has(term))).toEqual(['Open', 'VLA']);
    expect(compoundForms('world model', has)).toEqual([]);
  });

  it('spells out an acronym a paper defines, and not one whose words do not spell it', () => {
    const definer = paper('DRAIL', 'Generative adversarial imitation learning (GAIL) formulates imitation as a game.');
    const common = () => false;
    expect(acronymExpansions('GAIL', () => [definer], common)).toEqual(['generative adversarial imitation learning']);
    expect(
      acronymExpansions(
        'gail',
        () => [definer],
        () => true,
      ),
      'a rare word typed in lower case',
    ).toEqual(['generative adversarial imitation learning']);
    expect(
      acronymExpansions('gail', () => [definer], common),
      'a common word typed in lower case is not looked up',
    ).toEqual([]);
    const moe = paper('MoE', 'Sparse Mixture-of-Experts (MoE) models route tokens.');
    expect(acronymExpansions('MoE', () => [moe], common)).toEqual(['mixture-of-experts']);
    expect(acronymExpansions('GAIL', () => [paper('x', 'We compare with a strong baseline (GAIL).')], common)).toEqual([]);
    const lowerCase = paper('x', 'Generative adversarial imitation learning (gail) is defined here in lower case.');
    expect(
      acronymExpansions('GAIL', () => [lowerCase], common),
      'a definition needs the acronym in capitals',
    ).toEqual([]);
  });

  it('finds a phrase only as adjacent words, not across a hyphenated word or a comma', () => {
    const phrase = analyze('world model');
    expect(hasPhrase('We learn a world model of the scene.', phrase)).toBe(true);
    expect(hasPhrase('Learning World-Models', phrase)).toBe(true);
    expect(hasPhrase('real-world models', phrase)).toBe(false);
    expect(hasPhrase('real-world data for the model', phrase)).toBe(false);
    expect(hasPhrase('the world, model it', phrase)).toBe(false);
  });
});
