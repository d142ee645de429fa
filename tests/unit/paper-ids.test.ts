import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { paperId } from '../../src/papers/id.js';
import { PaperMerger } from '../../src/papers/merge.js';
import { readCorpus } from '../../src/papers/index.js';

const merge = (...records: Array<{ id?: string; title: string; abstract?: string; doi?: string; arxiv?: string; pmid?: string }>) => {
  const merger = new PaperMerger();
  for (const record of records) merger.add({ abstract: '', ...record });
  return merger;
};

describe('paper ids', () => {
  it('keeps two different papers that share an id, the second under a suffixed id, and counts the collision', () => {
    const merger = merge(
      { id: 'x-1', title: 'Learning to grasp' },
      { id: 'x-1', title: 'Diffusion for planning' },
      { id: 'x-1', title: 'A third paper' },
      { id: 'x-1-2', title: 'Diffusion for planning', abstract: 'longer' },
    );
    expect(merger.result().map((paper) => [paper.id, paper.title])).toEqual([
      ['x-1', 'Learning to grasp'],
      ['x-1-2', 'Diffusion for planning'],
      ['x-1-3', 'A third paper'],
    ]);
    expect(merger.idCollisions).toBe(2);
    expect(merger.merged).toBe(1);
  });

  it('still merges records of one paper under one id: same title, or a shared DOI, arXiv id or PubMed id', () => {
    expect(merge({ id: 'a', title: 'Learning to Grasp' }, { id: 'a', title: 'learning to grasp.' }).result()).toHaveLength(1);
    for (const field of ['doi', 'arxiv', 'pmid'] as const) {
      const merger = merge(
        { id: 'a', title: 'Learning to grasp', [field]: '1234' },
        { id: 'a', title: 'Learning to grasp (extended version)', [field]: '1234' },
      );
      expect(merger.result(), field).toHaveLength(1);
      expect(merger.idCollisions).toBe(0);
    }
  });

  it('reports collisions from readCorpus', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paper-search-ids-'));
    try {
      const file = join(dir, 'papers.jsonl');
      writeFileSync(
        file,
        `${JSON.stringify({ id: 'same', title: 'One', abstract: 'a' })}\n${JSON.stringify({ id: 'same', title: 'Two', abstract: 'b' })}\n`,
      );
      const corpus = await readCorpus([file]);
      expect(corpus).toMatchObject({ idCollisions: 1, duplicatesMerged: 0 });
      expect(corpus.papers.map((paper) => paper.id)).toEqual(['same', 'same-2']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives Greek and Cyrillic titles transliterated slugs instead of one shared "paper" slug', () => {
    expect(paperId('Обучение с подкреплением')).toMatch(/^obuchenie-s-podkrepleniem-[0-9a-f]{8}$/);
    expect(paperId('Μηχανική μάθηση')).toMatch(/^michaniki-mathisi-[0-9a-f]{8}$/);
    expect(paperId('深度学习')).toMatch(/^paper-[0-9a-f]{8}$/);
    // A title with ASCII words keeps the slug it always had.
    expect(paperId('SOTOPIA-π: Interactive Learning of Socially Intelligent Language Agents')).toMatch(
      /^sotopia-interactive-learning-of-[0-9a-f]{8}$/,
    );
  });
});
