import { z } from 'zod';

/**
 * One paper, whatever it was read from: every reader produces it, the index stores it, the API and
 * the page show it. Only `id`, `title` and `abstract` are always present; `abstract` is empty for a
 * paper known by its title alone (common in hand-made .bib files), which is then searched by title.
 */
export const PaperSchema = z.object({
  /** Stable across rebuilds and input formats; see `paperId`. */
  id: z.string(),
  title: z.string(),
  abstract: z.string(),
  /** Display names ("Ada Lovelace"), in order. */
  authors: z.array(z.string()).optional(),
  year: z.number().int().optional(),
  /** ISO date, as precise as known: "2024", "2024-05" or "2024-05-17". */
  date: z.string().optional(),
  /** Journal, proceedings (booktitle), container title or arXiv journal-ref. */
  venue: z.string().optional(),
  /** Keywords, arXiv categories, MeSH terms. */
  tags: z.array(z.string()).optional(),
  /** Lower-cased, without a resolver prefix: "10.1234/abc". */
  doi: z.string().optional(),
  /** Version-less arXiv id: "2401.01234" or "hep-th/9901001". */
  arxiv: z.string().optional(),
  pmid: z.string().optional(),
  /** An http(s) link to the paper. */
  url: z.string().optional(),
  /** Citation key (BibTeX key, CSL id), when the export had one. */
  key: z.string().optional(),
  /** The file it was read from (the first one, when merged from several). */
  source: z.string().optional(),
  /** Every other field the export had, verbatim. */
  metadata: z.record(z.string(), z.unknown()).optional(),
});
export type Paper = z.infer<typeof PaperSchema>;

/** What a reader yields: a paper before the library gives it its id (a JSON Lines line may bring its own). */
export type PaperRecord = Omit<Paper, 'id'> & { id?: string };

/** An input record that could not become a paper, with a human-readable reason. */
export interface SkippedLine {
  source: string;
  /** 1-based line number in `source` (of the record's first line). */
  line: number;
  reason: string;
}

export type ReadResult = { record: PaperRecord } | { skipped: SkippedLine };

/** One input format: how to recognise a file of it, and how to read its papers. */
export interface PaperFormat {
  name: string;
  /** Lower-case extensions, with the dot. */
  extensions: readonly string[];
  /** Confirms from the file's first few kilobytes that it is this format (an extension can lie). */
  looksLike(head: string): boolean;
  /** Streams the file's papers and skipped records, in file order, in bounded memory. */
  read(file: string): AsyncIterable<ReadResult>;
}

export interface CorpusReadResult {
  /** Unique papers, in first-seen order. */
  papers: Paper[];
  /** Records parsed before dedupe. */
  recordsRead: number;
  /** `recordsRead - papers.length`. */
  duplicatesMerged: number;
  /** Papers whose id another, different paper already had: kept under a suffixed id (`<id>-2`). */
  idCollisions: number;
  skipped: SkippedLine[];
  /** Files read, in reading order. */
  sources: string[];
  /** Papers read from each file (before merging), in reading order. */
  perSource: Array<{ source: string; format: string; records: number; skipped: number }>;
  /** Papers that have no abstract and are searched by their title alone. */
  titleOnly: number;
}
