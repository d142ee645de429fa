import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMed, medAsJsonLines, type MedCollection } from './med.js';
import { readJsonLines } from '../../src/papers/index.js';

// The first 15 MED documents and the 2 queries judged against them, verbatim (CRLF line endings
// included): the full collection lives outside the repository and only `npm run eval` reads it.
const MED_FOLDER = 'tests/eval/fixtures/med-sample';

describe('loadMed on a verbatim sample of the MED collection', () => {
  let med: MedCollection;
  beforeAll(async () => {
    med = await loadMed(MED_FOLDER);
  });

  it('loads every document, query and judgment', () => {
    expect(med.documents).toHaveLength(15);
    expect(med.queries.map(({ id }) => id)).toEqual(['1', '5']);
    expect(med.queries.reduce((sum, query) => sum + query.judgments.size, 0)).toBe(14);
  });

  it('prefixes document ids and joins the text lines with collapsed whitespace', () => {
    const first = med.documents[0]!;
    expect(first.id).toBe('med-1');
    expect(first.text).toMatch(/^correlation between maternal and fetal plasma levels of glucose and free fatty acids \. correlation/);
    expect(first.text).toMatch(/only slightly dependent upon the maternal level \.$/);
    expect(med.documents.every(({ text }) => text.length > 0 && !/\s{2}|[\r\n]/.test(text))).toBe(true);
    expect(new Set(med.documents.map(({ id }) => id)).size).toBe(15);
  });

  it('attaches judgments, keyed by prefixed document ids, to each query', () => {
    const first = med.queries[0]!;
    expect(first.id).toBe('1');
    expect(first.text).toBe('the crystalline lens in vertebrates, including humans.');
    expect(first.judgments.get('med-13')).toBe(1);
    expect(med.queries.every(({ judgments }) => judgments.size > 0)).toBe(true);
    const documentIds = new Set(med.documents.map(({ id }) => id));
    expect(med.queries.every(({ judgments }) => [...judgments.keys()].every((id) => documentIds.has(id)))).toBe(true);
  });

  it('renders one JSON line per document with id, short title and full abstract', () => {
    const lines = medAsJsonLines(med.documents).trimEnd().split('\n');
    expect(lines).toHaveLength(15);
    const first = JSON.parse(lines[0]!);
    expect(first).toEqual({
      id: 'med-1',
      title: 'correlation between maternal and fetal plasma levels of glucose and free fatty',
      abstract: med.documents[0]!.text,
    });
    for (const line of lines) {
      const record = JSON.parse(line);
      expect(typeof record.id).toBe('string');
      expect(record.title.split(' ').length).toBeLessThanOrEqual(12);
      expect(record.abstract.startsWith(record.title)).toBe(true);
    }
  });

  it('is accepted line for line by the product JSONL import', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'med-jsonl-'));
    try {
      const file = join(folder, 'med.jsonl');
      await writeFile(file, medAsJsonLines(med.documents));
      const ids: string[] = [];
      for await (const result of readJsonLines(file)) {
        if ('skipped' in result) throw new Error(`line ${result.skipped.line} skipped: ${result.skipped.reason}`);
        ids.push(result.record.id!);
      }
      expect(ids).toEqual(med.documents.map(({ id }) => id));
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});

describe('loadMed errors', () => {
  it('names the missing path and the --med option in one line', async () => {
    const missing = join(tmpdir(), 'no-such-med-folder');
    const error = await loadMed(missing).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain(missing);
    expect(message).toContain('--med <folder>');
    expect(message).not.toContain('\n');
  });
});
