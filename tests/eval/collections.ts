import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Paper } from '../../src/papers/index.js';
import { loadMed } from './med.js';

export const QUERY_KINDS = ['question', 'keyword', 'abstract'] as const;
export type QueryKind = (typeof QUERY_KINDS)[number];

export interface EvalQuery {
  id: string;
  kind: QueryKind;
  text: string;
  /** Paper id → grade 0-3. */
  judgments: Map<string, number>;
}

export interface EvalCollection {
  name: string;
  queries: EvalQuery[];
  /** Queries the corpus does not cover, for confidence calibration. */
  offTopic: string[];
}

const LabelledSetSchema = z.object({
  queries: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(QUERY_KINDS),
      text: z.string().min(1),
      judgments: z.record(z.string(), z.number().int().min(0).max(3)),
    }),
  ),
  offTopic: z.array(z.string()).default([]),
});

/** A labelled set over the seed corpus, judged by exact title; titles are resolved to the index's paper ids. */
export function loadLabelledSet(path: string, name: string, papers: readonly Paper[]): EvalCollection {
  const set = LabelledSetSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  const idByTitle = new Map(papers.map((paper) => [paper.title, paper.id]));
  const queries = set.queries.map((query) => ({
    id: query.id,
    kind: query.kind,
    text: query.text,
    judgments: new Map(
      Object.entries(query.judgments).map(([title, grade]) => {
        const id = idByTitle.get(title);
        if (!id) throw new Error(`${path}: query ${query.id} judges "${title}", which is not a title in the index`);
        return [id, grade];
      }),
    ),
  }));
  return { name, queries, offTopic: set.offTopic };
}

/** MED's 30 queries are natural-language questions. */
export async function loadMedCollection(folder: string): Promise<EvalCollection> {
  const med = await loadMed(folder);
  return {
    name: 'MED',
    queries: med.queries.map((query) => ({ id: query.id, kind: 'question' as const, text: query.text, judgments: query.judgments })),
    offTopic: [],
  };
}
