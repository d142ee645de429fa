import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ABSTRACT_CHARS, paperId, readCorpus, readJsonLines, type Paper, type SkippedLine } from '../../src/papers/index.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'papers-test-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeLines(name: string, lines: string[]): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, lines.join('\n'));
  return file;
}

async function collect(file: string): Promise<{ papers: Paper[]; skipped: SkippedLine[] }> {
  const papers: Paper[] = [];
  const skipped: SkippedLine[] = [];
  for await (const result of readJsonLines(file)) {
    // The library gives a record without its own id the same id a build would.
    if ('record' in result) papers.push({ ...result.record, id: result.record.id ?? paperId(result.record.title, result.record) });
    else skipped.push(result.skipped);
  }
  return { papers, skipped };
}

const line = (value: unknown) => JSON.stringify(value);

describe('readJsonLines', () => {
  it('reports bad lines with file, line number and reason, and keeps reading', async () => {
    const file = await writeLines('mixed.jsonl', [
      line({ id: 'p1', title: 'First  Paper', abstract: ' First abstract. ', year: 2024, tags: ['rl'] }), // 1
      '{"title": "Broken", "abstract": ', // 2
      '', // 3
      line({ abstract: 'No title here.' }), // 4
      line({ title: 'No abstract' }), // 5
      line({ title: 42, abstract: 'Title is a number.' }), // 6
      line({ title: 'Abstract is null', abstract: null }), // 7
      '   ', // 8
      line({ title: '   ', abstract: 'Blank title.' }), // 9
      line(['not', 'an', 'object']), // 10
      line({ id: 'has spaces', title: 'Bad id', abstract: 'Id has spaces.' }), // 11
      line({ id: 7, title: 'Numeric id', abstract: 'Id is a number.' }), // 12
      line({ title: 'Second Paper', abstract: 'Second abstract.' }), // 13
      line({ id: 'p1', title: 'First Paper again', abstract: 'A different abstract.' }), // 14
      line({ id: '..', title: 'Dots', abstract: 'An id a URL would resolve away.' }), // 15
      line({ id: '.', title: 'Dot', abstract: 'Likewise.' }), // 16
    ]);

    const { papers, skipped } = await collect(file);

    expect(skipped).toEqual([
      { source: file, line: 2, reason: expect.stringMatching(/^invalid JSON: /) },
      { source: file, line: 4, reason: 'title is required' },
      { source: file, line: 5, reason: 'abstract is required' },
      { source: file, line: 6, reason: 'title must be a string' },
      { source: file, line: 7, reason: 'abstract must be a string' },
      { source: file, line: 9, reason: 'title is empty' },
      { source: file, line: 10, reason: 'line is not a JSON object' },
      { source: file, line: 11, reason: expect.stringMatching(/^id must be 1-128 characters/) },
      { source: file, line: 12, reason: 'id must be a string' },
      { source: file, line: 15, reason: expect.stringMatching(/^id must be .*not only dots/) },
      { source: file, line: 16, reason: expect.stringMatching(/^id must be .*not only dots/) },
    ]);
    expect(papers).toEqual([
      {
        id: 'p1',
        title: 'First Paper',
        abstract: 'First abstract.',
        year: 2024,
        tags: ['rl'],
      },
      { id: paperId('Second Paper'), title: 'Second Paper', abstract: 'Second abstract.' },
      { id: 'p1', title: 'First Paper again', abstract: 'A different abstract.' },
    ]);
  });

  it('accepts a huge line and rejects an over-long field with a clear reason', async () => {
    const huge = 'x'.repeat(5_000_000);
    const file = await writeLines('huge.jsonl', [
      line({ title: 'Huge', abstract: huge }),
      line({ title: 'T'.repeat(1_001), abstract: 'Long title.' }),
      line({ title: 'Fits', abstract: 'y'.repeat(MAX_ABSTRACT_CHARS) }),
    ]);
    const { papers, skipped } = await collect(file);
    expect(skipped).toEqual([
      { source: file, line: 1, reason: `abstract is longer than ${MAX_ABSTRACT_CHARS} characters` },
      { source: file, line: 2, reason: 'title is longer than 1000 characters' },
    ]);
    expect(papers.map((paper) => paper.title)).toEqual(['Fits']);
  });

  it('handles CRLF line endings and a byte-order mark', async () => {
    const file = join(dir, 'crlf.jsonl');
    await writeFile(file, `\uFEFF${line({ title: 'A', abstract: 'B' })}\r\n\r\n${line({ title: 'C', abstract: 'D' })}\r\n`);
    const { papers, skipped } = await collect(file);
    expect(skipped).toEqual([]);
    expect(papers.map((paper) => paper.title)).toEqual(['A', 'C']);
  });
});

describe('readCorpus', () => {
  it('merges records of one paper (same id), keeping the first id and the richest fields, and reports skips', async () => {
    const file = await writeLines('dupes.jsonl', [
      line({ id: 'p1', title: 'One', abstract: 'First version.' }),
      'not json',
      line({ id: 'p1', title: 'One', abstract: 'Second version.' }),
      line({ title: 'Two', abstract: 'Two.' }),
      line({ title: 'Two', abstract: 'Two.', venue: 'X' }),
    ]);
    const seen: SkippedLine[] = [];
    const result = await readCorpus([file], (skipped) => seen.push(skipped));

    expect(result.recordsRead).toBe(4);
    expect(result.duplicatesMerged).toBe(2);
    expect(result.papers).toEqual([
      { id: 'p1', title: 'One', abstract: 'Second version.', source: file },
      { id: paperId('Two'), title: 'Two', abstract: 'Two.', venue: 'X', source: file },
    ]);
    expect(result.skipped).toEqual([{ source: file, line: 2, reason: expect.stringMatching(/^invalid JSON/) }]);
    expect(seen).toEqual(result.skipped);
    expect(result.sources).toEqual([file]);
  });

  it('reads a folder: .txt and .jsonl only, sorted by name, not recursive', async () => {
    const folder = join(dir, 'folder');
    await mkdir(join(folder, 'nested'), { recursive: true });
    await writeFile(join(folder, 'b.jsonl'), line({ title: 'From B', abstract: 'B.' }));
    await writeFile(join(folder, 'a.txt'), `From A\n${'An abstract long enough to count. '.repeat(10)}\n`);
    await writeFile(join(folder, 'c.csv'), 'ignored');
    await writeFile(join(folder, 'nested', 'd.jsonl'), line({ title: 'Nested', abstract: 'N.' }));

    const result = await readCorpus([folder]);
    expect(result.sources).toEqual([join(folder, 'a.txt'), join(folder, 'b.jsonl')]);
    expect(result.papers.map((paper) => paper.title)).toEqual(['From A', 'From B']);
  });

  it('fails with a clear message for a missing path or an unsupported file', async () => {
    const missing = join(dir, 'nope.jsonl');
    await expect(readCorpus([missing])).rejects.toThrow(`Corpus input not found: ${missing}`);

    const csv = join(dir, 'papers.csv');
    await writeFile(csv, 'title,abstract');
    await expect(readCorpus([csv])).rejects.toThrow(/^Unsupported corpus file .*papers\.csv: expected .*\.jsonl \(JSON Lines\)/);
  });
});
