import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Paper } from '../papers/index.js';
import { hashFileAsync } from '../storage/index.js';
import { type Calibration, CalibrationSchema } from './calibration.js';
import { DenseIndex, type Neighbour } from './dense.js';
import { Deletions } from './deletions.js';
import { LexicalIndex, Postings, PostingsFormatError } from './lexical/index.js';
import { IndexError, MANIFEST, matchesEntry, readManifest, recordedDigest, type FileEntry, type Manifest } from './manifest.js';
import { readTable, type PaperAdded } from './segment.js';
import { IdLookup, SegmentTable } from './table.js';
import { deserializeMap, type LibraryMap, MapFormatError } from './map/index.js';

/**
 * A data file changed under a running server (truncated, say): its bytes no longer match what the
 * manifest promised at load time, so nothing read from it can be trusted.
 */
export class IndexUnreadableError extends Error {
  constructor(dir: string, fileName: string) {
    super(`index in ${dir} became unreadable: ${fileName} no longer holds what its manifest says; rebuild or restart`);
  }
}

/** An open data file of a loaded index, named for the error that reports it damaged. */
interface OpenFile {
  fd: number;
  dir: string;
  name: string;
}

/** A segment as a loaded index holds it: its records and vectors files open, its table in memory. */
interface LoadedSegment {
  base: number;
  count: number;
  papers: OpenFile;
  vectors: OpenFile;
  table: SegmentTable;
}

/**
 * A loaded generation of an index, checked against the manifest that describes it. In memory: the
 * HNSW graph, the BM25 postings, the ids and when each paper was added. Paper records and stored
 * vectors are read from their files on demand (the OS page cache keeps hot ones), which is
 * what keeps a large library's server small; the files stay open, so a later build that deletes
 * them does not break reads. Ordinals of deleted papers are skipped everywhere.
 */
export class PaperIndex {
  private readonly ordinals: IdLookup;
  private readonly segmentBases: Float64Array;

  constructor(
    readonly manifest: Manifest,
    private readonly graph: DenseIndex,
    /** BM25 over the same papers, in the same ordinals. */
    readonly lexical: LexicalIndex,
    private readonly segments: readonly LoadedSegment[],
    private readonly deletions: Deletions,
    /** Every paper's place on the map of the library and the map's regions. */
    readonly map: LibraryMap,
    /** What a match looks like in this generation; absent in an index built before calibrations were written. */
    readonly calibration?: Calibration,
  ) {
    this.segmentBases = Float64Array.from(segments, (segment) => segment.base);
    this.ordinals = new IdLookup(this.liveOrdinals(), this.size, (ordinal) => {
      const segment = this.segmentOf(ordinal);
      return segment.table.idBytesOf(ordinal - segment.base);
    });
  }

  /** Papers in the index. */
  get size(): number {
    return this.manifest.paperCount;
  }

  /** The generation this index is (1 for a folder's first build, one more per build that changed it). */
  get generation(): number {
    return this.manifest.generation;
  }

  ordinalOf(id: string): number | undefined {
    return this.ordinals.get(id);
  }

  /** Every paper's ordinal, ascending. */
  liveOrdinals(): Uint32Array {
    const ordinals = new Uint32Array(this.size);
    let n = 0;
    for (const segment of this.segments)
      for (let i = 0; i < segment.count; i++)
        if (!this.deletions.has(segment.base + i) && segment.table.hasPaper(i)) ordinals[n++] = segment.base + i;
    return ordinals;
  }

  /** The id of the paper at `ordinal`, from the table in memory (no record read). */
  idOf(ordinal: number): string {
    const segment = this.segmentOf(ordinal);
    return segment.table.id(ordinal - segment.base);
  }

  paper(ordinal: number): Paper {
    const segment = this.segmentOf(ordinal);
    const i = ordinal - segment.base;
    const start = segment.table.lineStarts[i]!;
    const bytes = Buffer.alloc(segment.table.lineStarts[i + 1]! - start - 1);
    readExactly(segment.papers, bytes, start);
    let paper: Paper;
    try {
      paper = JSON.parse(bytes.toString('utf8')) as Paper;
    } catch {
      throw new IndexUnreadableError(segment.papers.dir, segment.papers.name);
    }
    // Records are checked by size at load, not hashed (gigabytes at a million papers): a record
    // that is not the one the table names means the file was changed under us.
    if (paper.id !== segment.table.id(i)) throw new IndexUnreadableError(segment.papers.dir, segment.papers.name);
    return paper;
  }

  /** When the paper first entered the library. */
  added(ordinal: number): PaperAdded {
    const segment = this.segmentOf(ordinal);
    return segment.table.added(ordinal - segment.base);
  }

  /** Every paper, in ordinal order (for whole-corpus work such as evaluation). */
  allPapers(): Paper[] {
    return Array.from(this.liveOrdinals(), (ordinal) => this.paper(ordinal));
  }

  /** The paper's stored unit vector. */
  vectorOf(ordinal: number): Float32Array {
    const segment = this.segmentOf(ordinal);
    const vector = new Float32Array(this.manifest.model.dimensions);
    readExactly(segment.vectors, new Uint8Array(vector.buffer), (ordinal - segment.base) * vector.byteLength);
    return vector;
  }

  /** Approximate nearest neighbours by cosine similarity, best first, leaving out `exclude`, only those `allow` accepts. */
  nearest(vector: Float32Array, k: number, exclude?: number, allow?: (ordinal: number) => boolean): Neighbour[] {
    return this.graph.nearest(vector, k, exclude, allow);
  }

  /** Closes the record and vector files; the index cannot be read afterwards (the graph's memory goes with the object). */
  close(): void {
    for (const segment of this.segments) {
      closeSync(segment.papers.fd);
      closeSync(segment.vectors.fd);
    }
  }

  private segmentOf(ordinal: number): LoadedSegment {
    const bases = this.segmentBases;
    let low = 0;
    let high = bases.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (bases[middle]! <= ordinal) low = middle;
      else high = middle - 1;
    }
    const segment = this.segments[low];
    if (!segment || ordinal < segment.base || ordinal >= segment.base + segment.count || this.deletions.has(ordinal))
      throw new RangeError(`no paper at ordinal ${ordinal}`);
    return segment;
  }
}

/**
 * Loads and verifies a generation; any mismatch with its manifest is an IndexError with a one-line
 * reason. Everything held in memory is checked against its checksum; paper records and vectors (read
 * on demand, the largest files) are checked by size here, and records by id when read.
 */
export async function loadIndex(dir: string, manifest: Manifest = readManifest(dir)): Promise<PaperIndex> {
  const { files, paperCount, model, ordinalLimit } = manifest;
  const inconsistent = (what: string) =>
    new IndexError(`index in ${dir} is inconsistent: manifest says ${paperCount} papers, ${what}; rebuild it`);

  let deletions: Deletions;
  try {
    deletions = Deletions.deserialize(ordinalLimit, verifiedBytes(dir, files.deletions));
  } catch (error) {
    if (error instanceof IndexError) throw error;
    throw new IndexError(`index in ${dir} is damaged: ${files.deletions.name} is not a deletions list; rebuild it`);
  }
  const calibration = files.calibration && readCalibration(dir, files.calibration);
  const held = manifest.segments.reduce(
    (sum, segment) => sum + segment.count - deletions.countIn(segment.base, segment.base + segment.count),
    0,
  );
  if (held !== paperCount) throw inconsistent(`its segments hold ${held}`);

  // The graph is read (on libuv's threads) while its checksum is computed; it is used only if that matches.
  const [read, verified] = await Promise.allSettled([
    DenseIndex.read(checkedPath(dir, files.hnsw), model.dimensions, manifest.hnsw.efSearch, paperCount),
    verifyFile(dir, files.hnsw),
  ]);
  if (verified.status === 'rejected') throw verified.reason;
  if (read.status === 'rejected')
    throw new IndexError(`index in ${dir} is damaged: ${files.hnsw.name} cannot be read (${(read.reason as Error).message}); rebuild it`);
  const graph = read.value;
  if (graph.slots < paperCount) throw inconsistent(`the graph holds ${graph.slots}`);

  const postings: Postings[] = [];
  const segments: LoadedSegment[] = [];
  const opened: number[] = [];
  try {
    for (const segment of manifest.segments) {
      let table: SegmentTable;
      try {
        table = SegmentTable.parse(verifiedBytes(dir, segment.table), segment.count, segment.table.name);
        postings.push(Postings.deserialize(verifiedBytes(dir, segment.lexical)));
      } catch (error) {
        if (error instanceof IndexError) throw error;
        const what =
          error instanceof PostingsFormatError
            ? `${segment.lexical.name} is ${error.message}`
            : `${segment.table.name} ${(error as Error).message}`;
        throw new IndexError(`index in ${dir} is damaged: ${what}; rebuild it`);
      }
      checkedPath(dir, segment.papers);
      checkedPath(dir, segment.vectors);
      if (table.lineStarts[segment.count] !== segment.papers.bytes)
        throw inconsistent(`${segment.table.name} does not match ${segment.papers.name}`);
      if (segment.vectors.bytes !== segment.count * model.dimensions * 4)
        throw inconsistent(`${segment.vectors.name} holds ${segment.vectors.bytes / (model.dimensions * 4)} vectors`);
      const open = (name: string): OpenFile => {
        const fd = openSync(join(dir, name), 'r');
        opened.push(fd);
        return { fd, dir, name };
      };
      segments.push({
        base: segment.base,
        count: segment.count,
        papers: open(segment.papers.name),
        vectors: open(segment.vectors.name),
        table,
      });
    }
  } catch (error) {
    for (const fd of opened) closeSync(fd);
    throw error;
  }
  const lexical = new LexicalIndex(postings, deletions);
  if (lexical.documentCount !== paperCount) throw inconsistent(`its lexical index covers ${lexical.documentCount}`);
  let map: LibraryMap;
  try {
    map = deserializeMap(verifiedBytes(dir, files.map));
  } catch (error) {
    for (const fd of opened) closeSync(fd);
    if (error instanceof MapFormatError)
      throw new IndexError(`index in ${dir} is damaged: ${files.map.name} is ${error.message}; rebuild it`);
    throw error;
  }
  if (map.x.length !== ordinalLimit) {
    for (const fd of opened) closeSync(fd);
    throw inconsistent(`${files.map.name} places ${map.x.length} ordinals, not ${ordinalLimit}`);
  }
  return new PaperIndex(manifest, graph, lexical, segments, deletions, map, calibration);
}

/** The committed generation's calibration, if it has a readable one (a build asks whether it is current). */
export function readCalibrationIfAny(dir: string, manifest: Manifest): Calibration | undefined {
  if (!manifest.files.calibration) return undefined;
  try {
    return readCalibration(dir, manifest.files.calibration);
  } catch {
    return undefined;
  }
}

/** A generation's confidence calibration, checked against its manifest entry and its schema. */
function readCalibration(dir: string, entry: FileEntry): Calibration {
  const bytes = verifiedBytes(dir, entry);
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    json = undefined;
  }
  const parsed = CalibrationSchema.safeParse(json);
  if (!parsed.success) throw new IndexError(`index in ${dir} is damaged: ${entry.name} is not a confidence calibration; rebuild it`);
  return parsed.data;
}

/**
 * Fills `buffer` from `position`, or throws IndexUnreadableError: a file truncated after loading
 * reads short, and a half-filled buffer would be served as zeros (or, unzeroed, as stale memory).
 */
function readExactly(file: OpenFile, buffer: Uint8Array, position: number): void {
  for (let filled = 0; filled < buffer.length; ) {
    const read = readSync(file.fd, buffer, filled, buffer.length - filled, position + filled);
    if (read === 0) throw new IndexUnreadableError(file.dir, file.name);
    filled += read;
  }
}

/** Hashes a large file in chunks between turns of the event loop, so a server loading a new generation keeps answering. */
async function verifyFile(dir: string, entry: FileEntry): Promise<void> {
  const path = checkedPath(dir, entry);
  const recorded = recordedDigest(entry);
  const actual = await hashFileAsync(path, recorded.kind);
  if (actual.bytes !== entry.bytes || actual.digest !== recorded.value) throw damaged(dir, entry);
}

/** A small file's bytes, read once and checked against the manifest. */
function verifiedBytes(dir: string, entry: FileEntry): Buffer {
  const bytes = readFileSync(checkedPath(dir, entry));
  if (!matchesEntry(entry, bytes)) throw damaged(dir, entry);
  return bytes;
}

/**
 * The path of a data file, once it is known to be a regular file of the recorded size: a device or
 * FIFO named by a tampered manifest would otherwise be read for ever.
 */
function checkedPath(dir: string, entry: FileEntry): string {
  const path = join(dir, entry.name);
  const info = statSync(path, { throwIfNoEntry: false });
  if (!info)
    throw new IndexError(`index in ${dir} is damaged: ${entry.name} is missing; rebuild it with "npx paper-search build --out ${dir}"`);
  if (!info.isFile())
    throw new IndexError(
      `index in ${dir} is damaged: ${entry.name} is not a regular file; rebuild it with "npx paper-search build --out ${dir}"`,
    );
  if (info.size !== entry.bytes) throw damaged(dir, entry);
  return path;
}

function damaged(dir: string, entry: FileEntry): IndexError {
  return new IndexError(
    `index in ${dir} is damaged: ${entry.name} does not match its checksum in ${MANIFEST}; rebuild it with "npx paper-search build --out ${dir}"`,
  );
}

/** The deletions of a committed generation, as written (a build reads them to extend them). */
export function readDeletions(dir: string, manifest: Manifest): Deletions {
  return Deletions.deserialize(manifest.ordinalLimit, readFileSync(join(dir, manifest.files.deletions.name)));
}

/** A live paper of a committed generation as a build sees it: where it is, its record's hash, when it was added. */
export interface StoredPaper {
  ordinal: number;
  hash: string;
  added: PaperAdded;
}

/**
 * The live papers of a committed generation by id, from the segment tables alone (no records read):
 * what the next build compares against to find what it adds, removes and updates. An unreadable
 * generation counts as an empty index.
 */
export function readStoredPapers(dir: string, manifest: Manifest): Map<string, StoredPaper> {
  const stored = new Map<string, StoredPaper>();
  try {
    const deletions = readDeletions(dir, manifest);
    for (const segment of manifest.segments) {
      const table = readTable(dir, segment);
      for (let i = 0; i < table.count; i++) {
        const ordinal = segment.base + i;
        if (!table.hasPaper(i) || deletions.has(ordinal)) continue;
        stored.set(table.id(i), { ordinal, hash: table.hash(i), added: table.added(i) });
      }
    }
  } catch {
    return new Map();
  }
  return stored;
}
