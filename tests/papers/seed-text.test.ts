import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PAGE_CHROME, paperId, parseSeedText, readCorpus } from '../../src/papers/index.js';

const SEEDS_DIR = fileURLToPath(new URL('../../seeds/', import.meta.url));
const SEED_FILES = ['000_34b2fac087813e81.txt', '001_d4a40a933f25c320.txt', '002_33013f986e06f1c4.txt'].map((name) =>
  join(SEEDS_DIR, name),
);

const CHROME_LIKE = [...PAGE_CHROME, 'Jul 29', ...PAGE_CHROME.map((chrome) => chrome.toLowerCase())];

async function parseSeedFile(file: string) {
  return parseSeedText(await readFile(file, 'utf8'), file);
}

const longText = (seed: string) => `${seed} ${'word '.repeat(60)}`.trim();

describe('real seed dumps', () => {
  it('reads 296 records, 237 unique papers, 59 duplicates, nothing skipped', async () => {
    const result = await readCorpus([SEEDS_DIR]);
    expect(result.recordsRead).toBe(296);
    expect(result.papers).toHaveLength(237);
    expect(result.duplicatesMerged).toBe(59);
    expect(result.skipped).toEqual([]);
    expect(result.sources).toEqual(SEED_FILES);
  });

  it('gives the same result for the folder and for the three files named explicitly', async () => {
    const fromFolder = await readCorpus([SEEDS_DIR]);
    const fromFiles = await readCorpus(SEED_FILES);
    expect(fromFiles.papers).toEqual(fromFolder.papers);
    expect(fromFiles.recordsRead).toBe(fromFolder.recordsRead);
  });

  it('never turns page chrome into a title or an abstract', async () => {
    const { papers } = await readCorpus([SEEDS_DIR]);
    for (const paper of papers) {
      for (const chrome of CHROME_LIKE) {
        expect(paper.title).not.toBe(chrome);
        expect(paper.abstract).not.toBe(chrome);
      }
      expect(paper.title.startsWith('Subscribe')).toBe(false);
      expect(paper.title).not.toMatch(/^(?:get trending papers|daily papers|byak )/i);
    }
  });

  it('unglues the first title from "Subscribe"', async () => {
    const { records } = await parseSeedFile(SEED_FILES[0]!);
    expect(records[0]?.title).toBe('Interactive Language: Talking to Robots in Real Time');
    expect(records[0]?.abstract).toMatch(/^We present a framework for building interactive/);
  });

  it('parses each file into alternating title/abstract records', async () => {
    const counts = await Promise.all(SEED_FILES.map(async (file) => (await parseSeedFile(file)).records.length));
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(296);
    for (const file of SEED_FILES) {
      const { records, skipped } = await parseSeedFile(file);
      expect(skipped).toEqual([]);
      for (const { title, abstract } of records) {
        expect(title.length).toBeLessThan(abstract.length);
        expect(title).toBe(title.trim());
      }
    }
  });

  it('has one id per paper: stable across parses and files, unique across papers', async () => {
    const first = await readCorpus([SEEDS_DIR]);
    const second = await readCorpus([SEEDS_DIR]);
    expect(second.papers.map((paper) => paper.id)).toEqual(first.papers.map((paper) => paper.id));

    const ids = first.papers.map((paper) => paper.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(first.papers.map((paper) => paper.title)).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9-]{1,80}$/);

    const [a, b] = await Promise.all([parseSeedFile(SEED_FILES[0]!), parseSeedFile(SEED_FILES[1]!)]);
    const titlesInB = new Set(b.records.map((record) => record.title));
    const shared = a.records.filter((record) => titlesInB.has(record.title));
    expect(shared.length).toBeGreaterThan(0);
    for (const record of shared) {
      const other = b.records.find((candidate) => candidate.title === record.title)!;
      expect(other.abstract).toBe(record.abstract);
      expect(paperId(other.title)).toBe(paperId(record.title));
    }
  });
});

describe('paperId', () => {
  it('is a readable slug plus 8 hex chars of the normalised title hash', () => {
    expect(paperId('Interactive Language: Talking to Robots in Real Time')).toMatch(/^interactive-language-talking-to-[0-9a-f]{8}$/);
  });

  it('ignores case, spacing, punctuation and Unicode compatibility forms', () => {
    const id = paperId('Sim-to-Real Transfer');
    expect(paperId('  sim to   real transfer ')).toBe(id);
    expect(paperId('ＳＩＭ-TO-REAL TRANSFER!')).toBe(id);
    expect(paperId('Sim-to-Real Transfer 2')).not.toBe(id);
  });

  it('stays within the id alphabet for non-ASCII and empty-slug titles', () => {
    expect(paperId('SOTOPIA-π: Interactive Learning')).toMatch(/^sotopia-interactive-learning-[0-9a-f]{8}$/);
    expect(paperId('深度学习')).toMatch(/^paper-[0-9a-f]{8}$/);
    expect(paperId('A'.repeat(500))).toMatch(/^[a-z0-9-]{1,80}$/);
  });
});

describe('parseSeedText', () => {
  it('skips chrome and blank lines between a title and its abstract', () => {
    const text = ['Daily Papers', '', 'A Title', 'Jul 29', '', longText('Abstract one.'), 'new'].join('\n');
    const { records, skipped } = parseSeedText(text, 'x.txt');
    expect(records).toEqual([{ title: 'A Title', abstract: longText('Abstract one.') }]);
    expect(skipped).toEqual([]);
  });

  it('reports stray short lines and abstracts without a title instead of guessing', () => {
    const text = [longText('Orphan abstract.'), 'Stray line', 'Real Title', longText('Real abstract.'), 'Trailing'].join('\r\n');
    const { records, skipped } = parseSeedText(text, 'x.txt');
    expect(records).toEqual([{ title: 'Real Title', abstract: longText('Real abstract.') }]);
    expect(skipped.map(({ line }) => line)).toEqual([1, 2, 5]);
    expect(skipped[0]?.reason).toMatch(/no title/);
    expect(skipped[1]?.reason).toMatch(/not followed by an abstract.*"Stray line"/);
  });

  it('leaves titles that merely start with a chrome word alone', () => {
    const text = ['New Results on Robots', longText('Abstract.'), 'newly Found', longText('Abstract.')].join('\n');
    expect(parseSeedText(text, 'x.txt').records.map((record) => record.title)).toEqual(['New Results on Robots', 'newly Found']);
  });

  it('collapses whitespace but keeps the text otherwise verbatim', () => {
    const text = ['  A   Title:  with  Spaces ', `\t${longText('An   abstract,  kept')}  `].join('\n');
    expect(parseSeedText(text, 'x.txt').records).toEqual([{ title: 'A Title: with Spaces', abstract: longText('An abstract, kept') }]);
  });
});
