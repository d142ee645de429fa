import { closeSync, existsSync, fsyncSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import hnswlib from 'hnswlib-node';
import type { Paper } from '../papers/index.js';
import { LexicalFormatError, LexicalIndex } from './lexical.js';
import { FORMAT_VERSION, ManifestSchema, type FileEntry, type HnswParams, type Manifest } from './manifest.js';

const MANIFEST = 'manifest.json';
const DATA_FILE = /^(hnsw|papers|ids|vectors|lexical)-[a-z0-9-]+\.(bin|jsonl|json|f32)$/;

export class IndexError extends Error {}

export interface Neighbour {
  /** Position of the paper in the index, 0 ≤ ordinal < `PaperIndex.size`. */
  ordinal: number;
  /** Cosine similarity in [-1, 1]. */
  similarity: number;
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
    private readonly graph: hnswlib.HierarchicalNSW,
    /** BM25 over the same papers, in the same ordinals. */
    readonly lexical: LexicalIndex,
    ids: readonly string[],
    private readonly papersFile: { fd: number; lineStarts: Float64Array },
    private readonly vectorsFile: { fd: number },
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
    const { fd, lineStarts } = this.papersFile;
    const start = lineStarts[ordinal]!;
    const line = Buffer.allocUnsafe(lineStarts[ordinal + 1]! - start - 1);
    readSync(fd, line, 0, line.length, start);
    return JSON.parse(line.toString('utf8')) as Paper;
  }

  /** Every paper, in ordinal order (for whole-corpus work such as evaluation). */
  allPapers(): Paper[] {
    return Array.from({ length: this.size }, (_, ordinal) => this.paper(ordinal));
  }

  /** The paper's stored unit vector. */
  vectorOf(ordinal: number): Float32Array {
    const vector = new Float32Array(this.manifest.model.dimensions);
    readSync(this.vectorsFile.fd, new Uint8Array(vector.buffer), 0, vector.byteLength, ordinal * vector.byteLength);
    return vector;
  }

  /** Approximate nearest neighbours by cosine similarity, best first. */
  nearest(vector: Float32Array, k: number, exclude?: number): Neighbour[] {
    const count = Math.min(k + (exclude === undefined ? 0 : 1), this.size);
    if (count === 0) return [];
    this.graph.setEf(Math.max(this.manifest.hnsw.efSearch, count));
    const { neighbors, distances } = this.graph.searchKnn(Array.from(vector), count);
    return neighbors
      .map((ordinal, i) => ({ ordinal, similarity: 1 - distances[i]! }))
      .filter((n) => n.ordinal !== exclude)
      .slice(0, k);
  }

  /** Closes the paper and vector files; the index cannot be read afterwards. */
  close(): void {
    closeSync(this.papersFile.fd);
    closeSync(this.vectorsFile.fd);
  }
}

export interface IndexContents {
  papers: Paper[];
  vectors: Float32Array[];
  model: Manifest['model'];
  hnsw: HnswParams;
  corpusHash: string;
  sources: string[];
}

/**
 * Writes an index so that a crash at any moment leaves the previous one loadable: data files get
 * fresh names, and the manifest — renamed into place last — is the single commit point.
 */
export function writeIndex(dir: string, contents: IndexContents): Manifest {
  const previous = readManifestIfAny(dir);
  const generation = `${Date.now().toString(36)}-${process.pid.toString(36)}`;
  const names = { hnsw: `hnsw-${generation}.bin`, papers: `papers-${generation}.jsonl`, ids: `ids-${generation}.json`, vectors: `vectors-${generation}.f32`, lexical: `lexical-${generation}.bin` };

  const graph = new hnswlib.HierarchicalNSW('cosine', contents.model.dimensions);
  graph.initIndex(Math.max(contents.papers.length, 1), contents.hnsw.m, contents.hnsw.efConstruction, 100);
  contents.vectors.forEach((vector, ordinal) => graph.addPoint(Array.from(vector), ordinal));
  graph.writeIndexSync(join(dir, names.hnsw));
  writeChunks(join(dir, names.papers), contents.papers.map((paper) => Buffer.from(JSON.stringify(paper) + '\n')));
  writeFileSync(join(dir, names.ids), JSON.stringify(contents.papers.map((paper) => paper.id)));
  writeChunks(join(dir, names.vectors), contents.vectors.map((vector) => new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength)));
  writeFileSync(join(dir, names.lexical), LexicalIndex.build(contents.papers).serialize());
  for (const name of Object.values(names)) fsyncPath(join(dir, name));

  const manifest: Manifest = {
    formatVersion: FORMAT_VERSION,
    model: contents.model,
    paperCount: contents.papers.length,
    corpusHash: contents.corpusHash,
    builtAt: new Date().toISOString(),
    sources: contents.sources,
    hnsw: contents.hnsw,
    files: {
      hnsw: describeFile(dir, names.hnsw),
      papers: describeFile(dir, names.papers),
      ids: describeFile(dir, names.ids),
      vectors: describeFile(dir, names.vectors),
      lexical: describeFile(dir, names.lexical),
    },
  };
  const staging = join(dir, `${MANIFEST}.tmp-${process.pid}`);
  writeFileSync(staging, JSON.stringify(manifest, null, 2) + '\n');
  fsyncPath(staging);
  renameSync(staging, join(dir, MANIFEST));
  fsyncPath(dir);

  // Keep the previous generation too: a server may be reading it right now.
  const keep = new Set([...Object.values(manifest.files), ...Object.values(previous?.files ?? {})].map((file) => file.name));
  for (const name of readdirSync(dir)) {
    if ((DATA_FILE.test(name) && !keep.has(name)) || name.startsWith(`${MANIFEST}.tmp-`)) rmSync(join(dir, name), { force: true });
  }
  return manifest;
}

export function readManifest(dir: string): Manifest {
  const path = join(dir, MANIFEST);
  if (!existsSync(path)) throw new IndexError(`no index in ${dir} (${MANIFEST} missing); build one with "npm run build-index"`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new IndexError(`${path} is not valid JSON; rebuild the index with "npm run build-index"`);
  }
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new IndexError(`${path} is not a format-${FORMAT_VERSION} manifest (${issue.path.join('.') || 'root'}: ${issue.message}); rebuild the index with "npm run build-index"`);
  }
  return parsed.data;
}

/** The manifest of the index in `dir`, or undefined when there is none or it is unusable. */
export function readManifestIfAny(dir: string): Manifest | undefined {
  try {
    return readManifest(dir);
  } catch {
    return undefined;
  }
}

/** Loads and verifies an index; any mismatch with its manifest is an IndexError with a one-line reason. */
export function loadIndex(dir: string): PaperIndex {
  const manifest = readManifest(dir);
  const { files, paperCount, model } = manifest;
  const inconsistent = (what: string) => new IndexError(`index in ${dir} is inconsistent: manifest says ${paperCount} papers, ${what}; rebuild it`);

  verifyFile(dir, files.hnsw);
  const graph = new hnswlib.HierarchicalNSW('cosine', model.dimensions);
  graph.readIndexSync(join(dir, files.hnsw.name));
  if (graph.getCurrentCount() !== paperCount) throw inconsistent(`the graph holds ${graph.getCurrentCount()}`);

  const lineStarts = [0];
  verifyFile(dir, files.papers, (chunk, position) => {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lineStarts.push(position + i + 1);
  });
  if (lineStarts.length - 1 !== paperCount) throw inconsistent(`${files.papers.name} holds ${lineStarts.length - 1}`);

  const ids = JSON.parse(verifiedBytes(dir, files.ids).toString('utf8')) as string[];
  if (ids.length !== paperCount) throw inconsistent(`${files.ids.name} holds ${ids.length}`);
  verifyFile(dir, files.vectors);
  if (files.vectors.bytes !== paperCount * model.dimensions * 4) throw inconsistent(`${files.vectors.name} holds ${files.vectors.bytes / (model.dimensions * 4)} vectors`);

  let lexical: LexicalIndex;
  try {
    lexical = LexicalIndex.deserialize(verifiedBytes(dir, files.lexical));
  } catch (error) {
    if (error instanceof LexicalFormatError) throw new IndexError(`index in ${dir} is damaged: ${files.lexical.name} is ${error.message}; rebuild it`);
    throw error;
  }
  if (lexical.documentCount !== paperCount) throw inconsistent(`its lexical index covers ${lexical.documentCount}`);

  return new PaperIndex(manifest, graph, lexical, ids, { fd: openSync(join(dir, files.papers.name), 'r'), lineStarts: Float64Array.from(lineStarts) }, { fd: openSync(join(dir, files.vectors.name), 'r') });
}

const CHUNK_BYTES = 1 << 20;

/** Writes many small pieces with few system calls, without ever holding the whole file in memory. */
function writeChunks(path: string, pieces: Iterable<Uint8Array>): void {
  const fd = openSync(path, 'w');
  try {
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    const flush = () => {
      writeSync(fd, Buffer.concat(pending, pendingBytes));
      pending = [];
      pendingBytes = 0;
    };
    for (const piece of pieces) {
      pending.push(piece);
      pendingBytes += piece.length;
      if (pendingBytes >= CHUNK_BYTES) flush();
    }
    flush();
  } finally {
    closeSync(fd);
  }
}

/** Streams a file through sha256 (and `onChunk`), so checking a large index needs no large buffer. */
function hashFile(path: string, onChunk?: (chunk: Buffer, position: number) => void): { bytes: number; sha256: string } {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  const fd = openSync(path, 'r');
  let position = 0;
  try {
    for (let read = readSync(fd, buffer, 0, CHUNK_BYTES, position); read > 0; read = readSync(fd, buffer, 0, CHUNK_BYTES, position)) {
      const chunk = buffer.subarray(0, read);
      hash.update(chunk);
      onChunk?.(chunk, position);
      position += read;
    }
  } finally {
    closeSync(fd);
  }
  return { bytes: position, sha256: hash.digest('hex') };
}

function verifyFile(dir: string, entry: FileEntry, onChunk?: (chunk: Buffer, position: number) => void): void {
  const path = join(dir, entry.name);
  if (!existsSync(path)) throw new IndexError(`index in ${dir} is damaged: ${entry.name} is missing; rebuild it with "npm run build-index"`);
  const actual = hashFile(path, onChunk);
  if (actual.bytes !== entry.bytes || actual.sha256 !== entry.sha256) throw damaged(dir, entry);
}

/** A small file's bytes, read once and checked against the manifest. */
function verifiedBytes(dir: string, entry: FileEntry): Buffer {
  const path = join(dir, entry.name);
  if (!existsSync(path)) throw new IndexError(`index in ${dir} is damaged: ${entry.name} is missing; rebuild it with "npm run build-index"`);
  const bytes = readFileSync(path);
  if (bytes.length !== entry.bytes || createHash('sha256').update(bytes).digest('hex') !== entry.sha256) throw damaged(dir, entry);
  return bytes;
}

function damaged(dir: string, entry: FileEntry): IndexError {
  return new IndexError(`index in ${dir} is damaged: ${entry.name} does not match its checksum in ${MANIFEST}; rebuild it with "npm run build-index"`);
}

function describeFile(dir: string, name: string): FileEntry {
  return { name, ...hashFile(join(dir, name)) };
}

/** Flushes a file or folder to disk, so a rename that follows never exposes a half-written file after a power cut. */
function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
