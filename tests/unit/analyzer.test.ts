import { describe, expect, it } from 'vitest';
import { analyze, analyzeTerm, tokenize } from '../../src/text/analyzer.js';

describe('tokenize', () => {
  it('splits at whitespace, punctuation and symbols, keeping case, digits and non-Latin letters', () => {
    expect(tokenize("Sim-to-real transfer, (fast)! GPT-4 + BERT; x/y don't a_b $5")).toEqual([
      'Sim',
      'to',
      'real',
      'transfer',
      'fast',
      'GPT',
      '4',
      'BERT',
      'x',
      'y',
      'don',
      't',
      'a',
      'b',
      '5',
    ]);
    expect(tokenize('Über 日本語 naïve')).toEqual(['Über', '日本語', 'naïve']);
  });

  it('treats Unicode spaces, line and paragraph separators, dashes and CJK punctuation as separators', () => {
    const separators = ['\u00a0', '\u2003', '\u202f', '\u3000', '\u2028', '\u2029', '\u2014', '\u2013', '\u3002', '\u00b7', '\r\n'];
    for (const separator of separators) expect(tokenize(`left${separator}right`), JSON.stringify(separator)).toEqual(['left', 'right']);
  });

  it('gives no tokens for empty or separator-only text', () => {
    expect(tokenize('')).toEqual([]);
    expect(tokenize(' \u00a0—… ,;')).toEqual([]);
  });
});

describe('analyzeTerm', () => {
  it('lower-cases and Porter-stems a token', () => {
    expect(analyzeTerm('Learning')).toBe('learn');
    expect(analyzeTerm('policies')).toBe('polici');
    expect(analyzeTerm('connected')).toBe('connect');
    expect(analyzeTerm('generalization')).toBe('gener');
    expect(analyzeTerm('ROBOTS')).toBe('robot');
  });

  it('drops stop words in any case, and empty tokens', () => {
    for (const stopWord of ['the', 'The', 'AND', 'of', 'are']) expect(analyzeTerm(stopWord)).toBeNull();
    expect(analyzeTerm('')).toBeNull();
  });

  it('gives the same stem the second time, from its cache', () => {
    expect(analyzeTerm('running')).toBe('run');
    expect(analyzeTerm('Running')).toBe('run');
  });
});

describe('analyze', () => {
  it('gives the index terms in order, stop words dropped, repeats kept', () => {
    expect(analyze('The robots are learning, and robots learn.')).toEqual(['robot', 'learn', 'robot', 'learn']);
    expect(analyze('the of and')).toEqual([]);
  });
});

describe('control-character whitespace', () => {
  it('splits on tabs, vertical tabs, form feeds and NEL like on spaces', () => {
    expect(tokenize('robot\tlearning\vfrom\fvideo\u0085now')).toEqual(['robot', 'learning', 'from', 'video', 'now']);
    expect(analyze('robot\tlearning')).toEqual(['robot', 'learn']);
  });
});
