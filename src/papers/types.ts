export interface Paper {
  /** Stable across rebuilds and input files; see `paperId`. */
  id: string;
  title: string;
  abstract: string;
  /** Extra JSONL fields (everything except id/title/abstract), kept verbatim. */
  metadata?: Record<string, unknown>;
}

/** An input line that could not become a paper, with a human-readable reason. */
export interface SkippedLine {
  source: string;
  /** 1-based line number in `source`. */
  line: number;
  reason: string;
}

export interface CorpusReadResult {
  /** Unique papers, in first-seen order. */
  papers: Paper[];
  /** Records parsed before dedupe. */
  recordsRead: number;
  /** `recordsRead - papers.length`. */
  duplicatesMerged: number;
  skipped: SkippedLine[];
  /** Files read, in reading order. */
  sources: string[];
}
