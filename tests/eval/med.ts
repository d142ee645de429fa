import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Loader for the MED (MEDLINE) test collection in SMART format: MED.ALL (documents), MED.QRY
 * (queries) and MED.REL (relevance judgments).
 */

export interface MedDocument {
  id: string;
  text: string;
}

export interface MedQuery {
  id: string;
  text: string;
  /** Document id (with the `med-` prefix) → grade. */
  judgments: Map<string, number>;
}

export interface MedCollection {
  documents: MedDocument[];
  queries: MedQuery[];
}

const FILES = ['MED.ALL', 'MED.QRY', 'MED.REL'] as const;
const DOC_ID_PREFIX = 'med-';
const TITLE_WORDS = 12;

/**
 * Document ids are prefixed `med-` here, both on documents and in every query's judgments, so
 * they match the ids the evaluation indexes through the product's JSONL import (see
 * `medAsJsonLines`) and cannot collide with the project's own paper ids. Query ids stay bare.
 */
export async function loadMed(folder: string): Promise<MedCollection> {
  const [allText, queryText, relText] = await Promise.all([
    readCollectionFile(folder, 'MED.ALL'),
    readCollectionFile(folder, 'MED.QRY'),
    readCollectionFile(folder, 'MED.REL'),
  ]);
  const documents = parseSmartRecords(allText).map(({ id, text }) => ({ id: DOC_ID_PREFIX + id, text }));
  const queries = parseSmartRecords(queryText).map(({ id, text }) => ({ id, text, judgments: new Map<string, number>() }));

  const queriesById = new Map(queries.map((query) => [query.id, query]));
  const documentIds = new Set(documents.map((document) => document.id));
  for (const { queryId, docId, grade } of parseRelevance(relText)) {
    const query = queriesById.get(queryId);
    if (!query) throw new Error(`MED.REL judges unknown query ${queryId}`);
    if (!documentIds.has(docId)) throw new Error(`MED.REL judges unknown document ${docId}`);
    query.judgments.set(docId, grade);
  }
  return { documents, queries };
}

/** Whether `folder` holds a copy of the collection at all; a partial copy is left to `loadMed` to report. */
export function hasMedCollection(folder: string): boolean {
  return FILES.some((name) => existsSync(join(folder, name)));
}

/** One JSON object per line in the shape the product's JSONL import accepts. */
export function medAsJsonLines(documents: readonly MedDocument[]): string {
  return documents
    .map(({ id, text }) => JSON.stringify({ id, title: text.split(' ').slice(0, TITLE_WORDS).join(' '), abstract: text }))
    .map((line) => `${line}\n`)
    .join('');
}

async function readCollectionFile(folder: string, name: string): Promise<string> {
  const path = join(folder, name);
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'read error';
    throw new Error(
      `Cannot read MED collection file ${path} (${code}); the --med <folder> option must point at the folder holding ${FILES.join(', ')}`,
      { cause: error },
    );
  }
}

/** Records start with `.I <id>`; only the text of the `.W` field is kept. */
function parseSmartRecords(content: string): Array<{ id: string; text: string }> {
  const records: Array<{ id: string; lines: string[] }> = [];
  let inText = false;
  for (const line of content.split(/\r?\n/)) {
    const marker = /^\.([A-Z])\b\s*(.*)$/.exec(line);
    if (marker) {
      if (marker[1] === 'I') records.push({ id: marker[2]!.trim(), lines: [] });
      inText = marker[1] === 'W';
    } else if (inText) {
      records.at(-1)?.lines.push(line);
    }
  }
  return records.map(({ id, lines }) => ({ id, text: lines.join(' ').replace(/\s+/g, ' ').trim() }));
}

/** Accepts `<queryid> <docid> <grade>` (this copy) and the TREC-style `<queryid> <ignored> <docid> <grade>`. */
function parseRelevance(content: string): Array<{ queryId: string; docId: string; grade: number }> {
  const judgments: Array<{ queryId: string; docId: string; grade: number }> = [];
  content.split(/\r?\n/).forEach((line, index) => {
    const fields = line.trim().split(/\s+/).filter(Boolean);
    if (fields.length === 0) return;
    if (fields.length !== 3 && fields.length !== 4) {
      throw new Error(`MED.REL line ${index + 1}: expected 3 or 4 fields, got "${line.trim()}"`);
    }
    // Field count was checked above, so all three are present.
    const [queryId, docId, gradeText] = (fields.length === 3 ? fields : [fields[0], fields[2], fields[3]]) as [string, string, string];
    const grade = Number(gradeText);
    if (!Number.isFinite(grade)) throw new Error(`MED.REL line ${index + 1}: grade is not a number: "${line.trim()}"`);
    judgments.push({ queryId, docId: DOC_ID_PREFIX + docId, grade });
  });
  return judgments;
}
