import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Paper } from '../papers/index.js';
import { hashFile, sha256 } from '../storage/index.js';
import { DenseIndex, type Neighbour } from './dense.js';
import { LexicalIndex, Postings, PostingsFormatError } from './lexical/index.js';
import { IndexError, MANIFEST, readManifest, type FileEntry, type Manifest } from './manifest.js';

/**
 * A data file changed under a running server (truncated, say): its bytes no longer match what the
 * manifest promised at load time, so nothing read from it can be trusted.
 */
export class IndexUnreadableError extends Error {
  constructor(dir: string, fileName: string) {
    super(`index in ${dir} became unreadable: ${fileName} is shorter than its manifest says; rebuild or restart`);
  }
}

/** An open data file of a loaded index, named for the error that reports it damaged. */
interface OpenFile {
  fd: number;
  dir: string;
  name: string;
}

/**
 * A loaded index, checked against the manifest that describes it. Only what every query needs lives
 * in memory: the HNSW graph, the BM25 postings and the paper ids. Paper records and stored vectors
 * are read from their files on demand (the OS page cache keeps hot ones), which is what keeps a
 * 100k-paper server small; the files stay open, so a rebuild that deletes them does not break reads.
 */
export class PaperIndex {
  private readonly ordinals: Map<string, number>;

  constructor(
    readonly manifest: Manifest,
    private readonly graph: DenseIndex,
    /** BM25 over the same papers, in the same ordinals. */
    readonly lexical: LexicalIndex,
    ids: readonly string[],
    private readonly papersFile: OpenFile & { lineStarts: Float64Array },
    private readonly vectorsFile: OpenFile,
  ) {
    this.ordinals = new Map(ids.map((id, i) => [id, i]));
  }

  get size(): number {
    return this.manifest.paperCount;
  }

  ordinalOf(id: string): number | undefined {
    return this.ordinals.get(id);
  }

  paper(ordinal: number): Paper {
    const { lineStarts } = this.papersFile;
    const start = lineStarts[ordinal]!;
    const line = readExactly(this.papersFile, Buffer.alloc(lineStarts[ordinal + 1]! - start - 1), start);
    return JSON.parse(line.toString('utf8')) as Paper;
  }

  /** Every paper, in ordinal order (for whole-corpus work such as evaluation). */
  allPapers(): Paper[] {
    return Array.from({ length: this.size }, (_, ordinal) => this.paper(ordinal));
  }

  /** The paper's stored unit vector. */
  vectorOf(ordinal: number): Float32Array {
    const vector = new Float32Array(this.manifest.model.dimensions);
    readExactly(this.vectorsFile, new Uint8Array(vector.buffer), ordinal * vector.byteLength);
    return vector;
  }

  /** Approximate nearest neighbours by cosine similarity, best first, leaving out `exclude`, only those `allow` accepts. */
  nearest(vector: Float32Array, k: number, exclude?: number, allow?: (ordinal: number) => boolean): Neighbour[] {
    return this.graph.nearest(vector, k, exclude, allow);
  }

  /** Closes the paper and vector files; the index cannot be read afterwards. */
  close(): void {
    closeSync(this.papersFile.fd);
    closeSync(this.vectorsFile.fd);
  }
}

/** Loads and verifies an index; any mismatch with its manifest is an IndexError with a one-line reason. */
export function loadIndex(dir: string): PaperIndex {
  const manifest = readManifest(dir);
  const { files, paperCount, model } = manifest;
  const inconsistent = (what: string) =>
    new IndexError(`index in ${dir} is inconsistent: manifest says ${paperCount} papers, ${what}; rebuild it`);

  verifyFile(dir, files.hnsw);
  const graph = DenseIndex.read(join(dir, files.hnsw.name), model.dimensions, manifest.hnsw.efSearch);
  if (graph.size !== paperCount) throw inconsistent(`the graph holds ${graph.size}`);

  const lineStarts = [0];
  verifyFile(dir, files.papers, (chunk, position) => {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lineStarts.push(position + i + 1);
  });
  if (lineStarts.length - 1 !== paperCount) throw inconsistent(`${files.papers.name} holds ${lineStarts.length - 1}`);

  const ids = JSON.parse(verifiedBytes(dir, files.ids).toString('utf8')) as string[];
  if (ids.length !== paperCount) throw inconsistent(`${files.ids.name} holds ${ids.length}`);
  verifyFile(dir, files.vectors);
  if (files.vectors.bytes !== paperCount * model.dimensions * 4)
    throw inconsistent(`${files.vectors.name} holds ${files.vectors.bytes / (model.dimensions * 4)} vectors`);

  let lexical: LexicalIndex;
  try {
    lexical = new LexicalIndex(Postings.deserialize(verifiedBytes(dir, files.lexical)));
  } catch (error) {
    if (error instanceof PostingsFormatError)
      throw new IndexError(`index in ${dir} is damaged: ${files.lexical.name} is ${error.message}; rebuild it`);
    throw error;
  }
  if (lexical.documentCount !== paperCount) throw inconsistent(`its lexical index covers ${lexical.documentCount}`);

  return new PaperIndex(
    manifest,
    graph,
    lexical,
    ids,
    { ...openFile(dir, files.papers.name), lineStarts: Float64Array.from(lineStarts) },
    openFile(dir, files.vectors.name),
  );
}

function openFile(dir: string, name: string): OpenFile {
  return { fd: openSync(join(dir, name), 'r'), dir, name };
}

/**
 * Fills `buffer` from `position`, or throws IndexUnreadableError: a file truncated after loading
 * reads short, and a half-filled buffer would be served as zeros (or, unzeroed, as stale memory).
 */
function readExactly<T extends Uint8Array>(file: OpenFile, buffer: T, position: number): T {
  for (let filled = 0; filled < buffer.length; ) {
    const read = readSync(file.fd, buffer, filled, buffer.length - filled, position + filled);
    if (read === 0) throw new IndexUnreadableError(file.dir, file.name);
    filled += read;
  }
  return buffer;
}

function verifyFile(dir: string, entry: FileEntry, onChunk?: (chunk: Buffer, position: number) => void): void {
  const path = checkedPath(dir, entry);
  const actual = hashFile(path, onChunk);
  if (actual.bytes !== entry.bytes || actual.sha256 !== entry.sha256) throw damaged(dir, entry);
}

/** A small file's bytes, read once and checked against the manifest. */
function verifiedBytes(dir: string, entry: FileEntry): Buffer {
  const bytes = readFileSync(checkedPath(dir, entry));
  if (bytes.length !== entry.bytes || sha256(bytes) !== entry.sha256) throw damaged(dir, entry);
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

/**
 * Every paper record of an index as stored (one JSON line each), by id: what a rebuild compares
 * against to report what it adds, removes and updates. Unreadable files count as an empty index.
 */
export function readPapersById(dir: string, manifest: Manifest): Map<string, string> {
  const records = new Map<string, string>();
  const path = join(dir, manifest.files.papers.name);
  if (!existsSync(path)) return records;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line === '') continue;
    const { id } = JSON.parse(line) as Paper;
    records.set(id, line);
  }
  return records;
}
