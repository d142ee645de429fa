import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Embedder } from '../model/index.js';
import { readCorpus, type Paper, type SkippedLine } from '../papers/index.js';
import { DEFAULT_HNSW, type HnswParams, type Manifest } from './manifest.js';
import { readManifestIfAny, writeIndex } from './store.js';
import { contentKey, VectorCache } from './vector-cache.js';

export interface BuildProgress {
  onSkip?(line: SkippedLine): void;
  /** Called once before embedding starts, with the number of papers that need new vectors. */
  onEmbedStart?(total: number): void;
  onEmbedProgress?(done: number): void;
  /** A sentence worth telling the user (why vectors are not reused, why nothing was written). */
  onNote?(message: string): void;
}

export interface BuildOptions {
  inputs: string[];
  outDir: string;
  embedder: Embedder;
  hnsw?: HnswParams;
  progress?: BuildProgress;
}

export interface BuildSummary {
  recordsRead: number;
  papers: number;
  duplicatesMerged: number;
  skipped: number;
  embedded: number;
  reused: number;
  seconds: number;
  /** Embedding throughput (papers embedded per second of embedding time); 0 when nothing was embedded. */
  papersPerSecond: number;
  /** False when the existing index already matched the corpus and model, so nothing was written. */
  written: boolean;
  manifest: Manifest;
}

/** The text a paper is embedded and searched by. */
export function embeddingText(paper: Paper): string {
  return `${paper.title}\n\n${paper.abstract}`;
}

export function corpusHash(papers: readonly Paper[]): string {
  const hash = createHash('sha256');
  for (const paper of papers) hash.update(JSON.stringify(paper)).update('\n');
  return hash.digest('hex');
}

/** Reads the corpus and returns its hash, for a cheap "is the index stale?" check. */
export async function currentCorpusHash(inputs: string[]): Promise<string> {
  return corpusHash((await readCorpus(inputs)).papers);
}

/**
 * The offline job: read and dedupe papers, embed what the vector cache lacks, write the index atomically.
 */
export async function buildIndex(options: BuildOptions): Promise<BuildSummary> {
  const started = performance.now();
  const { embedder, outDir, progress = {} } = options;
  const hnsw = options.hnsw ?? DEFAULT_HNSW;
  mkdirSync(outDir, { recursive: true });

  const corpus = await readCorpus(options.inputs, progress.onSkip);
  const hash = corpusHash(corpus.papers);
  const model = embedder.info;
  const previous = readManifestIfAny(outDir);
  const summaryOf = (written: boolean, manifest: Manifest, embedded: number, embedSeconds: number): BuildSummary => ({
    recordsRead: corpus.recordsRead,
    papers: corpus.papers.length,
    duplicatesMerged: corpus.duplicatesMerged,
    skipped: corpus.skipped.length,
    embedded,
    reused: corpus.papers.length - embedded,
    seconds: (performance.now() - started) / 1000,
    papersPerSecond: embedded > 0 ? embedded / embedSeconds : 0,
    written,
    manifest,
  });

  if (previous && previous.corpusHash === hash && previous.model.checksum === model.checksum && sameHnsw(previous.hnsw, hnsw)) {
    progress.onNote?.(`Index in ${outDir} is up to date (same ${corpus.papers.length} papers, same model): nothing to embed or write.`);
    return summaryOf(false, previous, 0, 0);
  }
  if (previous && previous.model.checksum !== model.checksum) {
    progress.onNote?.(`Existing index was built with ${previous.model.name} (${previous.model.precision}, ${previous.model.checksum.slice(0, 12)}); this build uses ${model.name} (${model.precision}, ${model.checksum.slice(0, 12)}), so its vectors are not reused.`);
  }

  const cache = new VectorCache(join(outDir, 'cache'), model);
  const keys = corpus.papers.map((paper) => contentKey(embeddingText(paper)));
  const missing = [...new Set(keys.filter((key) => !cache.get(key)))];
  const textByKey = new Map(corpus.papers.map((paper, i) => [keys[i]!, embeddingText(paper)]));

  progress.onEmbedStart?.(missing.length);
  const embedStarted = performance.now();
  // Vectors reach the cache every CHUNK papers: a killed build loses at most that much work.
  const CHUNK = 64;
  for (let start = 0; start < missing.length; start += CHUNK) {
    const chunk = missing.slice(start, start + CHUNK);
    const vectors = await embedder.embed(chunk.map((key) => textByKey.get(key)!), progress.onEmbedProgress);
    cache.append(chunk.map((key, i) => [key, vectors[i]!]));
  }
  const embedSeconds = (performance.now() - embedStarted) / 1000;
  cache.retainOnly(new Set(keys));

  const manifest = writeIndex(outDir, {
    papers: corpus.papers,
    vectors: keys.map((key) => cache.get(key)!),
    model,
    hnsw,
    corpusHash: hash,
    sources: corpus.sources,
  });
  return summaryOf(true, manifest, missing.length, embedSeconds);
}

function sameHnsw(a: HnswParams, b: HnswParams): boolean {
  return a.m === b.m && a.efConstruction === b.efConstruction && a.efSearch === b.efSearch;
}
