import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { Paper } from '../papers/index.js';
import { sha256, writeFileDurably, type FileDigest } from '../storage/index.js';
import type { Deletions } from './deletions.js';
import { Postings } from './lexical/index.js';
import type { FileEntry, Segment } from './manifest.js';
import { SegmentTable, type TableRow } from './table.js';

/** When a paper first entered the library: kept across generations, so "what is new since …" has an answer. */
export interface PaperAdded {
  /** Milliseconds since the epoch. */
  at: number;
  /** The generation of the build that added it. */
  generation: number;
}

/** One paper as a segment stores it: its record line (JSON, no newline), the record's hash, its unit vector, and when it was added. */
export interface SegmentRow {
  id: string;
  line: string;
  hash: string;
  vector: Float32Array;
  added: PaperAdded;
}

/** A committed segment's table, read from its file (by a build: a reader checks it against its checksum first). */
export function readTable(dir: string, segment: Segment): SegmentTable {
  return SegmentTable.parse(readFileSync(join(dir, segment.table.name)), segment.count, segment.table.name);
}

/** Rows of a vectors file read at once while averaging them. */
const ROWS_PER_READ = 4096;

/**
 * The mean of the unit vectors of the segments' live papers (undefined without any), read from
 * their vectors files a few thousand rows at a time: a million papers' vectors are never in memory at once.
 */
export function meanLiveVector(
  dir: string,
  segments: readonly Segment[],
  deletions: Deletions,
  dimensions: number,
): Float32Array | undefined {
  const sum = new Float64Array(dimensions);
  const rows = new Float32Array(ROWS_PER_READ * dimensions);
  const bytes = new Uint8Array(rows.buffer);
  let count = 0;
  for (const segment of segments) {
    const table = readTable(dir, segment);
    const file = openSync(join(dir, segment.vectors.name), 'r');
    try {
      for (let first = 0; first < segment.count; first += ROWS_PER_READ) {
        const rowCount = Math.min(ROWS_PER_READ, segment.count - first);
        const length = rowCount * dimensions * 4;
        for (let read = 0; read < length; ) {
          const got = readSync(file, bytes, read, length - read, first * dimensions * 4 + read);
          if (got === 0) throw new Error(`${segment.vectors.name} in ${dir} is shorter than its table says`);
          read += got;
        }
        for (let r = 0; r < rowCount; r++) {
          if (!table.hasPaper(first + r) || deletions.has(segment.base + first + r)) continue;
          for (let d = 0; d < dimensions; d++) sum[d]! += rows[r * dimensions + d]!;
          count++;
        }
      }
    } finally {
      closeSync(file);
    }
  }
  return count === 0 ? undefined : Float32Array.from(sum, (total) => total / count);
}

/** The hash a segment keeps of a paper record: equal hashes mean an unchanged paper. */
export function recordHash(line: string): string {
  return sha256(line).slice(0, 32);
}

export function rowOf(paper: Paper, vector: Float32Array, added: PaperAdded): SegmentRow {
  const line = JSON.stringify(paper);
  return { id: paper.id, line, hash: recordHash(line), vector, added };
}

/**
 * Writes a segment (records, vectors, table, postings) for ordinals [base, base + count), taking its
 * rows one at a time (row i for ordinal base + i), so no more than one record line is held at once;
 * an undefined row is a deleted paper whose ordinal the segment keeps empty (no record, a zero
 * vector). Files are flushed; the caller commits.
 */
export function writeSegment(
  dir: string,
  name: string,
  base: number,
  count: number,
  rowAt: (i: number) => SegmentRow | undefined,
  postings: Postings,
  dimensions: number,
): Segment {
  const tableRows: Array<TableRow | undefined> = [];
  const lineStarts = [0];
  const vectors = new Float32Array(count * dimensions);
  function* lines(): Generator<string> {
    let offset = 0;
    for (let i = 0; i < count; i++) {
      const row = rowAt(i);
      // The table keeps a row's id, hash and date, not its record line and vector: those must not stay in memory.
      tableRows.push(row && { id: row.id, hash: row.hash, added: row.added });
      if (row) {
        vectors.set(row.vector, i * dimensions);
        yield `${row.line}\n`;
        offset += Buffer.byteLength(row.line) + 1;
      }
      lineStarts.push(offset);
    }
  }
  const entry = (file: string, digest: FileDigest): FileEntry => ({ name: file, ...digest });
  const files = {
    papers: `papers-${name}.jsonl`,
    vectors: `vectors-${name}.f32`,
    table: `table-${name}.bin`,
    lexical: `lexical-${name}.bin`,
  };
  // The records first: writing them fills the table and the vectors.
  const papers = entry(files.papers, writeFileDurably(join(dir, files.papers), lines()));
  return {
    base,
    count,
    papers,
    vectors: entry(files.vectors, writeFileDurably(join(dir, files.vectors), [new Uint8Array(vectors.buffer)])),
    table: entry(files.table, writeFileDurably(join(dir, files.table), SegmentTable.of(tableRows, lineStarts).serialize())),
    lexical: entry(files.lexical, writeFileDurably(join(dir, files.lexical), [postings.serialize()])),
  };
}

/** A new segment of papers with their vectors: their postings are built here. */
export function writeNewSegment(
  dir: string,
  name: string,
  base: number,
  papers: readonly Paper[],
  vectors: readonly Float32Array[],
  added: readonly PaperAdded[],
  dimensions: number,
): Segment {
  return writeSegment(
    dir,
    name,
    base,
    papers.length,
    (i) => rowOf(papers[i]!, vectors[i]!, added[i]!),
    Postings.build(papers, base),
    dimensions,
  );
}

/**
 * Combines neighbouring segments into one, leaving out deleted papers' records and postings (their
 * ordinals stay, empty). Reads only these segments: the cost is theirs, not the library's.
 */
export function mergeSegments(dir: string, name: string, segments: readonly Segment[], deletions: Deletions, dimensions: number): Segment {
  const rows: Array<SegmentRow | undefined> = [];
  const postings: Postings[] = [];
  for (const segment of segments) {
    const table = readTable(dir, segment);
    const records = readFileSync(join(dir, segment.papers.name));
    const bytes = readFileSync(join(dir, segment.vectors.name));
    const vectors = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4).slice();
    for (let i = 0; i < segment.count; i++) {
      if (deletions.has(segment.base + i) || !table.hasPaper(i)) {
        rows.push(undefined);
        continue;
      }
      const line = records.toString('utf8', table.lineStarts[i]!, table.lineStarts[i + 1]! - 1);
      rows.push({
        id: table.id(i),
        line,
        hash: table.hash(i),
        vector: vectors.subarray(i * dimensions, (i + 1) * dimensions),
        added: table.added(i),
      });
    }
    postings.push(Postings.deserialize(readFileSync(join(dir, segment.lexical.name))));
  }
  return writeSegment(
    dir,
    name,
    segments[0]!.base,
    rows.length,
    (i) => rows[i],
    Postings.merge(postings, (ordinal) => deletions.has(ordinal)),
    dimensions,
  );
}

/**
 * Which neighbouring segments to merge after a build appended one (a size-tiered policy, as in
 * Lucene): while the segment before the last holds at most `ratio` times the live papers of the
 * last, the two become one, so a library keeps O(log n) segments and each paper is rewritten
 * O(log n) times over its life. Returns runs of segment positions, each run to be merged.
 */
export function segmentsToMerge(liveCounts: readonly number[], ratio = 4): Array<[number, number]> {
  const sizes = [...liveCounts];
  const starts = sizes.map((_, i) => i);
  while (sizes.length >= 2 && sizes[sizes.length - 2]! <= ratio * sizes[sizes.length - 1]!) {
    const last = sizes.pop()!;
    starts.pop();
    sizes[sizes.length - 1]! += last;
  }
  // starts[i] is where merged segment i begins; a run is worth writing when it spans several.
  const runs: Array<[number, number]> = [];
  starts.forEach((start, i) => {
    const end = (starts[i + 1] ?? liveCounts.length) - 1;
    if (end > start) runs.push([start, end]);
  });
  return runs;
}
