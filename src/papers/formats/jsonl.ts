import { z } from 'zod';
import { MAX_ABSTRACT_CHARS, MAX_TITLE_CHARS, normaliseWhitespace, typedFields } from '../fields.js';
import type { PaperFormat, PaperRecord, ReadResult } from '../types.js';
import { jsonLinesOf } from './lines.js';

/** Safe in a URL path segment: not `.` or `..` (a client would resolve them away), nothing to escape. */
const ID_PATTERN = /^(?!\.+$)[A-Za-z0-9._:-]{1,128}$/;

function textField(field: string, maxChars: number) {
  return z
    .string({
      error: (issue) => (issue.input === undefined ? `${field} is required` : `${field} must be a string`),
    })
    .transform(normaliseWhitespace)
    .pipe(z.string().min(1, `${field} is empty`).max(maxChars, `${field} is longer than ${maxChars} characters`));
}

const paperLine = z.looseObject(
  {
    id: z
      .string({ error: 'id must be a string' })
      .regex(ID_PATTERN, 'id must be 1-128 characters of A-Z a-z 0-9 . _ : - (and not only dots)')
      .optional(),
    title: textField('title', MAX_TITLE_CHARS),
    abstract: textField('abstract', MAX_ABSTRACT_CHARS),
  },
  { error: 'line is not a JSON object' },
);

/** JSON Lines written by hand or by a script: one `{"title", "abstract", ...}` object per line. */
export const jsonLines: PaperFormat = {
  name: 'JSON Lines',
  extensions: ['.jsonl'],
  looksLike: (head) => /^\uFEFF?\s*(\{|$)/.test(head),
  read: readJsonLines,
};

/**
 * Streams a JSON Lines file, one paper per line. Bad lines are yielded as `skipped` (never
 * thrown) so one corrupt record cannot abort a long import; blank lines are ignored.
 */
export function readJsonLines(file: string): AsyncGenerator<ReadResult> {
  return jsonLinesOf(file, paperOfLine);
}

function paperOfLine(json: unknown, skip: (reason: string) => ReadResult): ReadResult {
  const parsed = paperLine.safeParse(json);
  if (!parsed.success) return skip(parsed.error.issues.map((issue) => issue.message).join('; '));

  const { id, title, abstract, ...extra } = parsed.data;
  // Fields the record knows (authors, year, doi, ...) become typed fields; the rest stays metadata.
  const { fields, rest } = typedFields(extra);
  const record: PaperRecord = { ...(id ? { id } : {}), title, abstract, ...fields };
  if (Object.keys(rest).length > 0) record.metadata = rest;
  return { record };
}
