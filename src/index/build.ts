import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { LRUCache } from 'lru-cache';
import type { Embedder, ModelInfo } from '../model/index.js';
import { readCorpus, type Paper, type SkippedLine } from '../papers/index.js';
import { acquireLock, sha256 } from '../storage/index.js';
import { type CalibrationQuery, calibrationTexts } from './calibration.js';
import { builtWith, DEFAULT_HNSW, describeModel, readManifestIfAny, type HnswParams, type Manifest } from './manifest.js';
import { readCalibrationIfAny, readStoredPapers, type StoredPaper } from './reader.js';
import { recordHash } from './segment.js';
import { contentKey, VectorCache } from './vector-cache.js';
import { countBySource, updateIndex, writeIndex, type GenerationMeta } from './writer.js';

export interface BuildProgress {
  onSkip?(line: SkippedLine): void;
  /** Called once before embedding starts, with the number of papers that need new vectors. */
  onEmbedStart?(total: number): void;
  onEmbedProgress?(done: number): void;
  /** A sentence worth telling the user (a model switch, why nothing was written). */
  onNote?(message: string): void;
}

/** What a build would do to the library, before it does it. */
export interface LibraryChange {
  added: number;
  removed: number;
  updated: number;
  /** Papers in the index before the build. */
  before: number;
  /** Papers the index would hold after it. */
  after: number;
}

export interface BuildOptions {
  /** Files or folders to read. They join the inputs the index already remembers, unless `replace`. */
  inputs: string[];
  /** Make `inputs` the whole library: remembered inputs not given again are forgotten. */
  replace?: boolean;
  /**
   * Rebuild every part of the index rather than apply the change to the committed generation (a
   * build does so on its own when that is cheaper: most papers changed, another model).
   */
  full?: boolean;
  outDir: string;
  embedder: Embedder;
  hnsw?: HnswParams;
  progress?: BuildProgress;
  /**
   * Asked before a build that would empty the index or drop more than half of its papers; the build
   * goes ahead only on true. Without it such a build is refused (ShrinkRefusedError).
   */
  confirmShrink?(change: LibraryChange): Promise<boolean>;
}

export interface BuildSummary {
  recordsRead: number;
  papers: number;
  duplicatesMerged: number;
  /** Papers kept under a suffixed id because a different paper had their id. */
  idCollisions: number;
  skipped: number;
  embedded: number;
  /** Papers whose vectors came from the vector cache (an incremental build leaves unchanged papers alone). */
  reused: number;
  seconds: number;
  /** Embedding throughput (papers embedded per second of embedding time); 0 when nothing was embedded. */
  papersPerSecond: number;
  change: LibraryChange;
  /** Papers with no abstract, searched by title alone. */
  titleOnly: number;
  /** Records and skipped records per file read. */
  perSource: Array<{ source: string; format: string; records: number; skipped: number }>;
  /** The inputs the index now remembers. */
  inputs: string[];
  /** False when the existing index already matched the corpus and model, so nothing was written. */
  written: boolean;
  /** True when the change was applied to the previous generation rather than the whole index rebuilt. */
  incremental: boolean;
  manifest: Manifest;
}

/** A build that would silently shrink or empty a library; the message says how to go ahead anyway. */
export class ShrinkRefusedError extends Error {
  constructor(
    readonly change: LibraryChange,
    outDir: string,
  ) {
    const what =
      change.before === 0
        ? 'its inputs hold no paper'
        : change.after === 0
          ? 'this build would leave it empty'
          : `this build would drop ${change.removed} of its ${change.before} papers`;
    super(
      `not writing the index in ${outDir}: ${what} (${change.after} papers read); check the inputs (skipped lines are listed above), or run again with --allow-shrink to write it anyway`,
    );
  }
}

/** The text a paper is embedded and searched by. */
export function embeddingText(paper: Paper): string {
  return `${paper.title}\n\n${paper.abstract}`;
}

export function corpusHash(papers: readonly Paper[]): string {
  return sha256(papers.map((paper) => `${JSON.stringify(paper)}\n`).join(''));
}

/**
 * The inputs a build of `outDir` reads, as absolute paths: those the index remembers (or, for an
 * index built before inputs were remembered, the files it was read from) plus the given ones, each once.
 */
export function libraryInputs(outDir: string, previous: Manifest | undefined, given: readonly string[], replace: boolean): string[] {
  const remembered = replace
    ? []
    : (previous?.inputs?.map((input) => resolve(outDir, input)) ?? previous?.sources.map((source) => resolve(source)) ?? []);
  return [...new Set([...remembered, ...given.map((input) => resolve(input))])];
}

/** Inputs as the manifest keeps them: relative to the index folder, so a library moved together with its index still resolves. */
function rememberedForm(outDir: string, inputs: readonly string[]): string[] {
  return inputs.map((input) => relative(outDir, input) || '.');
}

/** Reads the library of an existing index and tells whether the index still matches it. */
export async function isIndexCurrent(dir: string, manifest: Manifest): Promise<boolean> {
  const inputs = libraryInputs(dir, manifest, [], false);
  if (!inputs.every((input) => existsSync(input))) return false;
  return corpusHash((await readCorpus(inputs)).papers) === manifest.corpusHash;
}

/** What a build would read and change, found without embedding or writing anything (`build --dry-run`). */
export interface BuildPlan {
  /** Every input the library would have, as absolute paths. */
  inputs: string[];
  corpus: Awaited<ReturnType<typeof readCorpus>>;
  change: LibraryChange;
  /** True when writing would empty the index or drop more than half of it (a build asks first). */
  shrinks: boolean;
  previous: Manifest | undefined;
  /** The committed generation's papers by id (empty without one). */
  stored: Map<string, StoredPaper>;
  /** Ids of the papers whose record is exactly as the committed generation stores it. */
  unchanged: ReadonlySet<string>;
}

/** Reads the library a build of `outDir` would index (remembered inputs plus new ones) and what it would change. */
export async function planBuild(options: Pick<BuildOptions, 'inputs' | 'replace' | 'outDir' | 'progress'>): Promise<BuildPlan> {
  const { outDir } = options;
  const previous = readManifestIfAny(outDir);
  const inputs = libraryInputs(outDir, previous, options.inputs, options.replace ?? false);
  const missing = inputs.filter((input) => !existsSync(input));
  if (missing.length > 0 && previous) {
    const given = new Set(options.inputs.map((input) => resolve(input)));
    const forgotten = missing.filter((input) => !given.has(input));
    if (forgotten.length > 0) {
      throw new Error(
        `${forgotten[0]} (an input the index in ${outDir} remembers) is missing: restore it, or rebuild with --replace and every input the library should keep`,
      );
    }
  }
  const corpus = await readCorpus(inputs, options.progress?.onSkip);
  const stored = previous ? readStoredPapers(outDir, previous) : new Map<string, StoredPaper>();
  const { change, unchanged } = libraryChange(stored, corpus.papers);
  return { inputs, corpus, change, shrinks: change.after === 0 || change.removed * 2 > change.before, previous, stored, unchanged };
}

/**
 * The offline job: read the library (remembered inputs plus new ones) and dedupe papers, refuse to
 * shrink it silently, embed what the vector cache lacks, write the index atomically.
 */
export async function buildIndex(options: BuildOptions): Promise<BuildSummary> {
  const started = performance.now();
  const { outDir } = options;
  createIndexFolder(outDir);
  // One writer per index folder: two builds at once would delete each other's data files.
  const lock = acquireLock(outDir, 'index');
  try {
    return await buildLocked(options, started);
  } finally {
    lock.release();
  }
}

async function buildLocked(options: BuildOptions, started: number): Promise<BuildSummary> {
  const { embedder, outDir, progress = {} } = options;
  const hnsw = options.hnsw ?? DEFAULT_HNSW;
  const { inputs, corpus, change, shrinks, previous, stored, unchanged } = await planBuild(options);
  const hash = corpusHash(corpus.papers);
  const model = embedder.info;
  const summaryOf = (
    written: boolean,
    manifest: Manifest,
    embedded: number,
    reused: number,
    embedSeconds: number,
    incremental: boolean,
  ): BuildSummary => ({
    recordsRead: corpus.recordsRead,
    papers: corpus.papers.length,
    duplicatesMerged: corpus.duplicatesMerged,
    idCollisions: corpus.idCollisions,
    skipped: corpus.skipped.length,
    embedded,
    reused,
    seconds: (performance.now() - started) / 1000,
    papersPerSecond: embedded > 0 ? embedded / embedSeconds : 0,
    change,
    titleOnly: corpus.titleOnly,
    perSource: corpus.perSource,
    inputs,
    written,
    incremental,
    manifest,
  });

  if (
    previous &&
    previous.corpusHash === hash &&
    builtWith(previous, model) &&
    sameHnsw(previous.hnsw, hnsw) &&
    sameInputs(previous, rememberedForm(outDir, inputs)) &&
    // An index from before calibrations, or before they held the library's mean vector, gets a
    // current one from the next build, without re-embedding anything.
    (previous.paperCount === 0 || readCalibrationIfAny(outDir, previous)?.centroid !== undefined)
  ) {
    progress.onNote?.(`Index in ${outDir} is up to date (same ${corpus.papers.length} papers, same model): nothing to embed or write.`);
    return summaryOf(false, previous, 0, 0, 0, false);
  }
  if (shrinks && !(await options.confirmShrink?.(change))) throw new ShrinkRefusedError(change, outDir);
  if (previous && !builtWith(previous, model)) {
    progress.onNote?.(
      `Switching the index from ${describeModel(previous.model)} to ${describeModel(model)}: vectors come from that model's cache where present and are computed otherwise.`,
    );
  }

  const reason = fullBuildReason(previous, model, hnsw, change, options.full ?? false);
  if (reason && previous) progress.onNote?.(`Rebuilding the whole index: ${reason}.`);
  // An incremental build embeds and inserts only new and changed papers; a full one, every paper.
  const incoming: Array<{ paper: Paper; stored?: StoredPaper }> = [];
  const removed: number[] = [];
  const kept = new Set<string>();
  for (const paper of corpus.papers) {
    const before = stored.get(paper.id);
    if (before) kept.add(paper.id);
    if (!reason && unchanged.has(paper.id)) continue;
    if (!reason && before) removed.push(before.ordinal);
    incoming.push({ paper, stored: before });
  }
  if (!reason) for (const [id, before] of stored) if (!kept.has(id)) removed.push(before.ordinal);

  const cache = new VectorCache(join(outDir, 'cache'), model, progress.onNote);
  const keys = incoming.map(({ paper }) => contentKey(embeddingText(paper)));
  const uncached = [...new Set(keys.filter((key) => !cache.get(key)))];
  const textByKey = new Map(incoming.map(({ paper }, i) => [keys[i]!, embeddingText(paper)]));

  progress.onEmbedStart?.(uncached.length);
  const embedStarted = performance.now();
  await embedIntoCache(cache, embedder, uncached, textByKey, progress.onEmbedProgress);
  const embedSeconds = (performance.now() - embedStarted) / 1000;
  const calibrationQueries = corpus.papers.length > 0 ? await calibrationQueriesOf(corpus.papers, cache, embedder) : [];
  const calibrationKeys = calibrationQueries.map(({ text }) => contentKey(text));
  // Pruning needs every paper's key: worth computing on a full build, or once the cache has grown.
  if (reason || cache.size > 2 * (corpus.papers.length + calibrationKeys.length))
    cache.prune(new Set([...(reason ? keys : corpus.papers.map((paper) => contentKey(embeddingText(paper)))), ...calibrationKeys]));

  const meta: GenerationMeta = {
    model,
    hnsw,
    corpusHash: hash,
    inputs: rememberedForm(outDir, inputs),
    sources: corpus.sources,
    papersPerSource: countBySource(corpus.papers),
    calibrationQueries,
  };
  // A paper keeps the time it first entered the library, also when its record changes.
  const toAdd = incoming.map(({ paper, stored: before }, i) => ({ paper, vector: cache.get(keys[i]!)!, added: before?.added }));
  const manifest = reason
    ? writeIndex(
        outDir,
        {
          ...meta,
          papers: toAdd.map((p) => p.paper),
          vectors: toAdd.map((p) => p.vector),
          added: toAdd.map((p) => p.added),
        },
        progress.onNote,
      )
    : updateIndex(outDir, previous!, meta, { added: toAdd, removed }, progress.onNote);
  return summaryOf(true, manifest, uncached.length, incoming.length - uncached.length, embedSeconds, reason === undefined);
}

/**
 * The texts a generation's confidence calibration scores (`calibrationTexts`) with their vectors,
 * embedded once: they stay in the vector cache, and in this process (the probes are the same few
 * hundred texts for every index, so a process that builds many embeds them once, not per folder).
 */
async function calibrationQueriesOf(papers: readonly Paper[], cache: VectorCache, embedder: Embedder): Promise<CalibrationQuery[]> {
  const texts = calibrationTexts(papers);
  const keys = texts.map(({ text }) => contentKey(text));
  const processKey = (key: string) => `${embedder.info.checksum}:${key}`;
  const remembered = [...new Set(keys)].flatMap((key): Array<[string, Float32Array]> => {
    const vector = cache.get(key) ? undefined : embeddedCalibrationTexts.get(processKey(key));
    return vector ? [[key, vector]] : [];
  });
  if (remembered.length > 0) cache.append(remembered);
  await embedIntoCache(
    cache,
    embedder,
    [...new Set(keys.filter((key) => !cache.get(key)))],
    new Map(texts.map(({ text }, i) => [keys[i]!, text])),
  );
  return texts.map((query, i) => {
    const vector = cache.get(keys[i]!)!;
    embeddedCalibrationTexts.set(processKey(keys[i]!), vector);
    return { ...query, vector };
  });
}

/** Calibration texts' vectors by model checksum and text key (see `calibrationQueriesOf`): the probes and a few libraries' samples. */
const embeddedCalibrationTexts = new LRUCache<string, Float32Array>({ max: 2000 });

/** Embeds the texts of `keys` (none of them cached), appending them to the cache as it goes. */
async function embedIntoCache(
  cache: VectorCache,
  embedder: Embedder,
  keys: readonly string[],
  textByKey: ReadonlyMap<string, string>,
  onProgress?: (done: number) => void,
): Promise<void> {
  // Vectors reach the cache every CHUNK texts: a killed build loses at most that much work.
  const CHUNK = 64;
  for (let start = 0; start < keys.length; start += CHUNK) {
    const chunk = keys.slice(start, start + CHUNK);
    const vectors = await embedder.embed(
      chunk.map((key) => textByKey.get(key)!),
      onProgress,
    );
    cache.append(chunk.map((key, i) => [key, vectors[i]!]));
  }
}

/**
 * Why a build rewrites the whole index rather than applying the change to the committed generation,
 * or undefined when applying it is the cheaper way: a change to most of the library costs about as
 * much as a full build, and a graph mostly of deleted slots searches worse than a fresh one.
 */
function fullBuildReason(
  previous: Manifest | undefined,
  model: ModelInfo,
  hnsw: HnswParams,
  change: LibraryChange,
  full: boolean,
): string | undefined {
  if (!previous) return 'no index of this format yet';
  if (full) return '--full was given';
  if (!builtWith(previous, model)) return 'the model changed';
  if (!sameHnsw(previous.hnsw, hnsw)) return 'the HNSW parameters changed';
  // Inserting into the graph is the cost of either way; deleting is nearly free.
  const inserts = change.added + change.updated;
  if (inserts * 2 > change.after) return `${inserts} of its ${change.after} papers are new or changed, and a full build is then as cheap`;
  const deleted = previous.ordinalLimit - previous.paperCount + change.removed + change.updated;
  const limit = previous.ordinalLimit + change.added + change.updated;
  if (deleted * 2 > limit) return 'most slots of the graph hold deleted papers';
  return undefined;
}

/**
 * Creates the index folder on first build with a `.gitignore` of `*` inside, so an index made inside
 * a git checkout (say `my-index/` beside a thesis) never shows up as files to commit.
 */
function createIndexFolder(outDir: string): void {
  if (existsSync(outDir)) return;
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, '.gitignore'), '# made by paper-search: an index is rebuilt, not committed\n*\n');
}

/** What reading the library changes in the index, and which papers it leaves exactly as stored. */
function libraryChange(
  before: ReadonlyMap<string, StoredPaper>,
  papers: readonly Paper[],
): { change: LibraryChange; unchanged: Set<string> } {
  let added = 0;
  let kept = 0;
  const unchanged = new Set<string>();
  for (const paper of papers) {
    const stored = before.get(paper.id);
    if (stored === undefined) added++;
    else {
      kept++;
      if (stored.hash === recordHash(JSON.stringify(paper))) unchanged.add(paper.id);
    }
  }
  const change = { added, removed: before.size - kept, updated: kept - unchanged.size, before: before.size, after: papers.length };
  return { change, unchanged };
}

function sameHnsw(a: HnswParams, b: HnswParams): boolean {
  return a.m === b.m && a.efConstruction === b.efConstruction && a.efSearch === b.efSearch;
}

function sameInputs(manifest: Manifest, inputs: readonly string[]): boolean {
  return JSON.stringify(manifest.inputs ?? []) === JSON.stringify(inputs);
}
