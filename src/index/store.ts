import { closeSync, existsSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import hnswlib from 'hnswlib-node';
import type { Paper } from '../papers/index.js';
import { LexicalIndex } from './lexical.js';
import { FORMAT_VERSION, ManifestSchema, type FileEntry, type HnswParams, type Manifest } from './manifest.js';

const MANIFEST = 'manifest.json';
const DATA_FILE = /^(hnsw|papers|vectors|lexical)-[a-z0-9-]+\.(bin|jsonl|f32|json)$/;

export class IndexError extends Error {}

export interface Neighbour {
  /** Position of the paper in `PaperIndex.papers`. */
  ordinal: number;
  /** Cosine similarity in [-1, 1]. */
  similarity: number;
}

/** A loaded index: paper records plus their HNSW graph, checked against the manifest that describes them. */
export class PaperIndex {
  private readonly ordinals: Map<string, number>;

  constructor(
    readonly manifest: Manifest,
    readonly papers: readonly Paper[],
    private readonly graph: hnswlib.HierarchicalNSW,
    /** Every paper's unit vector, row after row: read without copying, unlike the graph's own copy. */
    private readonly vectors: Float32Array,
    /** BM25 over the same papers, in the same ordinals. */
    readonly lexical: LexicalIndex,
  ) {
    this.ordinals = new Map(papers.map((paper, i) => [paper.id, i]));
  }

  ordinalOf(id: string): number | undefined {
    return this.ordinals.get(id);
  }

  vectorOf(ordinal: number): Float32Array {
    const dimensions = this.manifest.model.dimensions;
    return this.vectors.subarray(ordinal * dimensions, (ordinal + 1) * dimensions);
  }

  /** Approximate nearest neighbours by cosine similarity, best first. */
  nearest(vector: Float32Array, k: number, exclude?: number): Neighbour[] {
    const count = Math.min(k + (exclude === undefined ? 0 : 1), this.papers.length);
    if (count === 0) return [];
    this.graph.setEf(Math.max(this.manifest.hnsw.efSearch, count));
    const { neighbors, distances } = this.graph.searchKnn(Array.from(vector), count);
    return neighbors
      .map((ordinal, i) => ({ ordinal, similarity: 1 - distances[i]! }))
      .filter((n) => n.ordinal !== exclude)
      .slice(0, k);
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

  const graph = new hnswlib.HierarchicalNSW('cosine', contents.model.dimensions);
  graph.initIndex(Math.max(contents.papers.length, 1), contents.hnsw.m, contents.hnsw.efConstruction, 100);
  contents.vectors.forEach((vector, ordinal) => graph.addPoint(Array.from(vector), ordinal));
  const hnswName = `hnsw-${generation}.bin`;
  graph.writeIndexSync(join(dir, hnswName));
  const papersName = `papers-${generation}.jsonl`;
  writeFileSync(join(dir, papersName), contents.papers.map((paper) => JSON.stringify(paper)).join('\n') + '\n');
  const vectorsName = `vectors-${generation}.f32`;
  writeFileSync(join(dir, vectorsName), packVectors(contents.vectors));
  const lexicalName = `lexical-${generation}.json`;
  writeFileSync(join(dir, lexicalName), LexicalIndex.build(contents.papers).toJSON());
  for (const name of [hnswName, papersName, vectorsName, lexicalName]) fsyncPath(join(dir, name));

  const manifest: Manifest = {
    formatVersion: FORMAT_VERSION,
    model: contents.model,
    paperCount: contents.papers.length,
    corpusHash: contents.corpusHash,
    builtAt: new Date().toISOString(),
    sources: contents.sources,
    hnsw: contents.hnsw,
    files: { hnsw: describeFile(dir, hnswName), papers: describeFile(dir, papersName), vectors: describeFile(dir, vectorsName), lexical: describeFile(dir, lexicalName) },
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
  for (const entry of Object.values(manifest.files)) verifyFile(dir, entry);

  const papers = readFileSync(join(dir, manifest.files.papers.name), 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Paper);
  const graph = new hnswlib.HierarchicalNSW('cosine', manifest.model.dimensions);
  graph.readIndexSync(join(dir, manifest.files.hnsw.name));
  const bytes = readFileSync(join(dir, manifest.files.vectors.name));
  const vectors = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const counts = [papers.length, graph.getCurrentCount(), vectors.length / manifest.model.dimensions];
  if (counts.some((count) => count !== manifest.paperCount)) {
    throw new IndexError(`index in ${dir} is inconsistent: manifest says ${manifest.paperCount} papers, files hold ${counts.join(' / ')} records / graph nodes / vectors; rebuild it`);
  }
  const lexical = LexicalIndex.fromJSON(readFileSync(join(dir, manifest.files.lexical.name), 'utf8'));
  if (lexical.documentCount !== manifest.paperCount) throw new IndexError(`index in ${dir} is inconsistent: its lexical index covers ${lexical.documentCount} papers, not ${manifest.paperCount}; rebuild it`);
  return new PaperIndex(manifest, papers, graph, vectors, lexical);
}

function verifyFile(dir: string, entry: FileEntry): void {
  const path = join(dir, entry.name);
  if (!existsSync(path)) throw new IndexError(`index in ${dir} is damaged: ${entry.name} is missing; rebuild it with "npm run build-index"`);
  const actual = describeFile(dir, entry.name);
  if (actual.bytes !== entry.bytes || actual.sha256 !== entry.sha256) {
    throw new IndexError(`index in ${dir} is damaged: ${entry.name} does not match its checksum in ${MANIFEST}; rebuild it with "npm run build-index"`);
  }
}

function packVectors(vectors: readonly Float32Array[]): Uint8Array {
  const packed = new Float32Array(vectors.reduce((n, v) => n + v.length, 0));
  let offset = 0;
  for (const vector of vectors) {
    packed.set(vector, offset);
    offset += vector.length;
  }
  return new Uint8Array(packed.buffer);
}

function describeFile(dir: string, name: string): FileEntry {
  const path = join(dir, name);
  return { name, bytes: statSync(path).size, sha256: createHash('sha256').update(readFileSync(path)).digest('hex') };
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
