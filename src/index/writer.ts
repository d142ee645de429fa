import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelInfo } from '../model/index.js';
import type { Paper } from '../papers/index.js';
import { readFileSync } from 'node:fs';
import { hashFile, replaceFileAtomically, writeFileDurably } from '../storage/index.js';
import { measureCalibration, type CalibrationQuery } from './calibration.js';
import { DenseIndex, updateHnsw, writeHnsw } from './dense.js';
import { Deletions } from './deletions.js';
import {
  DATA_FILE,
  dataFiles,
  FORMER_DATA_FILE,
  FORMAT_VERSION,
  MANIFEST,
  matchesEntry,
  readManifestIfAny,
  type HnswParams,
  type Manifest,
  type Segment,
} from './manifest.js';
import { meanLiveVector, mergeSegments, segmentsToMerge, writeNewSegment, type PaperAdded } from './segment.js';
import { readDeletions } from './reader.js';
import { deserializeMap, extendMap, layOutMap, type LibraryMap, readMapInputs, RELAYOUT_SHARE, serializeMap } from './map/index.js';

/** What a generation records about how it was made, besides its papers. */
export interface GenerationMeta {
  model: ModelInfo;
  hnsw: HnswParams;
  corpusHash: string;
  /** The library's inputs, relative to the index folder (none for an index not built from files). */
  inputs?: string[];
  sources: string[];
  /** Papers by the file each was first read from (counted from the papers by a full write when absent). */
  papersPerSource?: Record<string, number>;
  /**
   * Texts with their query vectors (`calibrationTexts`) whose best matches in the new generation are
   * written as its confidence calibration; without them (or without papers) it has none, and the
   * engine falls back to its fixed bars.
   */
  calibrationQueries?: readonly CalibrationQuery[];
}

/** A whole index: every paper with its vector, in ordinal order. */
export interface IndexContents extends GenerationMeta {
  papers: readonly Paper[];
  vectors: readonly Float32Array[];
  /** When each paper first entered the library (absent: now, in this generation). */
  added?: ReadonlyArray<PaperAdded | undefined>;
}

/** A paper a generation adds, with its vector, and when it first entered the library if it did before (an updated record). */
export interface PaperToAdd {
  paper: Paper;
  vector: Float32Array;
  added?: PaperAdded;
}

/** What an incremental generation changes: papers added (after every ordinal in use) and ordinals deleted. */
export interface GenerationChange {
  added: readonly PaperToAdd[];
  removed: readonly number[];
}

/**
 * Writes a whole index (a full build): one segment, a fresh graph, no deletions. A crash at any
 * moment leaves the previous generation loadable: data files get fresh names and are flushed, and
 * the manifest, replaced atomically and last, is the single commit point.
 */
export function writeIndex(dir: string, contents: IndexContents, onNote?: (line: string) => void): Manifest {
  const { papers, vectors, added, ...meta } = contents;
  const previous = readManifestIfAny(dir);
  const generation = (previous?.generation ?? 0) + 1;
  const name = fileGeneration();
  const when = stamps(
    papers.map((_, i) => added?.[i]),
    generation,
  );
  const segments = papers.length === 0 ? [] : [writeNewSegment(dir, name, 0, papers, vectors, when, meta.model.dimensions)];
  const hnswName = `hnsw-${name}.bin`;
  const graph = writeHnsw(
    join(dir, hnswName),
    vectors.map((vector, ordinal) => [ordinal, vector] as const),
    meta.model.dimensions,
    meta.hnsw,
  );
  const deletions = Deletions.of(papers.length, []);
  const map = layOutWhole(dir, segments, deletions, meta.model.dimensions, graph, onNote);
  return commit(dir, previous, {
    meta: { ...meta, papersPerSource: meta.papersPerSource ?? countBySource(papers) },
    generation,
    paperCount: papers.length,
    ordinalLimit: papers.length,
    hnsw: hnswName,
    deletions: writeDeletions(dir, name, deletions),
    map: writeMap(dir, name, map),
    calibration: writeCalibration(dir, name, meta.calibrationQueries, new DenseIndex(graph, meta.hnsw.efSearch, papers.length), () =>
      meanLiveVector(dir, segments, deletions, meta.model.dimensions),
    ),
    segments,
  });
}

/**
 * Writes the next generation of `previous` from a change, without rebuilding what did not change:
 * added papers become a new segment (merged with small neighbours by the size-tiered policy) and
 * are inserted into the previous graph, removed ones are marked deleted in the graph and in the
 * deletions file. The cost follows the change, plus reading and writing the graph once.
 */
export function updateIndex(
  dir: string,
  previous: Manifest,
  meta: GenerationMeta,
  change: GenerationChange,
  onNote?: (line: string) => void,
): Manifest {
  const generation = previous.generation + 1;
  const name = fileGeneration();
  const base = previous.ordinalLimit;
  const ordinalLimit = base + change.added.length;
  const deletions = readDeletions(dir, previous).with(ordinalLimit, change.removed);

  let segments = [...previous.segments];
  if (change.added.length > 0)
    segments.push(
      writeNewSegment(
        dir,
        name,
        base,
        change.added.map((p) => p.paper),
        change.added.map((p) => p.vector),
        stamps(
          change.added.map((p) => p.added),
          generation,
        ),
        meta.model.dimensions,
      ),
    );
  const live = (segment: Segment) => segment.count - deletions.countIn(segment.base, segment.base + segment.count);
  segments = segments.filter((segment) => live(segment) > 0);
  const runs = segmentsToMerge(segments.map(live));
  for (const [first, last] of runs.reverse())
    segments.splice(
      first,
      last - first + 1,
      mergeSegments(dir, `${name}-m${first}`, segments.slice(first, last + 1), deletions, meta.model.dimensions),
    );

  const hnswName = `hnsw-${name}.bin`;
  const added = change.added.map((p, i) => [base + i, p.vector] as const);
  const graph = updateHnsw(join(dir, previous.files.hnsw.name), join(dir, hnswName), meta.model.dimensions, {
    removed: change.removed,
    added,
  });
  const paperCount = previous.paperCount + change.added.length - change.removed.length;
  const before = readPreviousMap(dir, previous);
  let map: LibraryMap;
  if (before && before.placed + added.length <= RELAYOUT_SHARE * paperCount)
    map = extendMap(before, ordinalLimit, change.removed, added, graph);
  else {
    onNote?.(
      before
        ? `Laying the map out afresh: ${before.placed + added.length} of its ${paperCount} papers were placed beside neighbours since the last layout (more than ${RELAYOUT_SHARE * 100}%).`
        : 'Laying the map out afresh: the previous generation has no readable map.',
    );
    map = layOutWhole(dir, segments, deletions, meta.model.dimensions, graph, onNote);
  }
  return commit(dir, previous, {
    meta,
    generation,
    paperCount,
    ordinalLimit,
    hnsw: hnswName,
    deletions: writeDeletions(dir, name, deletions),
    map: writeMap(dir, name, map),
    calibration: writeCalibration(dir, name, meta.calibrationQueries, new DenseIndex(graph, meta.hnsw.efSearch, paperCount), () =>
      meanLiveVector(dir, segments, deletions, meta.model.dimensions),
    ),
    segments,
  });
}

/** A name no other generation of this folder has: time, then pid, so two writers never collide. */
function fileGeneration(): string {
  return `${Date.now().toString(36)}-${process.pid.toString(36)}`;
}

/** When each paper entered the library: as recorded before, or now, in this generation. */
function stamps(before: ReadonlyArray<PaperAdded | undefined>, generation: number): PaperAdded[] {
  const at = Date.now();
  return before.map((added) => added ?? { at, generation });
}

export function countBySource(papers: readonly Paper[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const paper of papers) if (paper.source) counts[paper.source] = (counts[paper.source] ?? 0) + 1;
  return counts;
}

function writeDeletions(dir: string, name: string, deletions: Deletions): { name: string } {
  const file = `deletions-${name}.bin`;
  writeFileDurably(join(dir, file), [deletions.serialize()]);
  return { name: file };
}

/** The map of every live paper of the segments, laid out afresh; the build says how long it took. */
function layOutWhole(
  dir: string,
  segments: readonly Segment[],
  deletions: Deletions,
  dimensions: number,
  graph: Parameters<typeof layOutMap>[1],
  onNote?: (line: string) => void,
): LibraryMap {
  const inputs = readMapInputs(dir, segments, deletions, dimensions);
  const { map, timings } = layOutMap(inputs, graph);
  const seconds = timings.neighboursSeconds + timings.layoutSeconds + timings.labelSeconds;
  onNote?.(
    `Map: ${inputs.ordinals.length} papers laid out by ${map.method.toUpperCase()} in ${seconds.toFixed(1)} s, ${map.clusters.length} regions.`,
  );
  return map;
}

/** The committed generation's map when it is whole (checked against its manifest), else undefined: the next one is laid out afresh. */
function readPreviousMap(dir: string, previous: Manifest): LibraryMap | undefined {
  try {
    const bytes = readFileSync(join(dir, previous.files.map.name));
    if (!matchesEntry(previous.files.map, bytes)) return undefined;
    const map = deserializeMap(bytes);
    return map.x.length === previous.ordinalLimit ? map : undefined;
  } catch {
    return undefined;
  }
}

function writeMap(dir: string, name: string, map: LibraryMap): { name: string } {
  const file = `map-${name}.bin`;
  writeFileDurably(join(dir, file), serializeMap(map));
  return { name: file };
}

/** The confidence calibration of a generation from its graph and its papers' mean vector, or none without queries or papers. */
function writeCalibration(
  dir: string,
  name: string,
  queries: readonly CalibrationQuery[] | undefined,
  graph: DenseIndex,
  centroid: () => Float32Array | undefined,
): { name: string } | undefined {
  if (!queries?.length || graph.size === 0) return undefined;
  const file = `calibration-${name}.json`;
  writeFileDurably(join(dir, file), [
    `${JSON.stringify(
      measureCalibration(queries, (vector, k) => graph.nearest(vector, k), centroid()),
      null,
      2,
    )}\n`,
  ]);
  return { name: file };
}

interface Generation {
  meta: GenerationMeta;
  generation: number;
  paperCount: number;
  ordinalLimit: number;
  hnsw: string;
  deletions: { name: string };
  map: { name: string };
  calibration?: { name: string };
  segments: Segment[];
}

function commit(dir: string, previous: Manifest | undefined, next: Generation): Manifest {
  const { meta } = next;
  const entry = (name: string) => {
    const { bytes, digest } = hashFile(join(dir, name), 'crc32');
    return { name, bytes, crc32: digest };
  };
  const manifest: Manifest = {
    formatVersion: FORMAT_VERSION,
    generation: next.generation,
    model: {
      name: meta.model.name,
      precision: meta.model.precision,
      checksum: meta.model.checksum,
      dimensions: meta.model.dimensions,
      maxTokens: meta.model.maxTokens,
    },
    paperCount: next.paperCount,
    ordinalLimit: next.ordinalLimit,
    corpusHash: meta.corpusHash,
    builtAt: new Date().toISOString(),
    inputs: meta.inputs,
    sources: meta.sources,
    papersPerSource: meta.papersPerSource,
    hnsw: meta.hnsw,
    files: {
      hnsw: entry(next.hnsw),
      deletions: entry(next.deletions.name),
      map: entry(next.map.name),
      ...(next.calibration ? { calibration: entry(next.calibration.name) } : {}),
    },
    segments: next.segments,
  };
  replaceFileAtomically(join(dir, MANIFEST), [`${JSON.stringify(manifest, null, 2)}\n`]);

  // Files of the previous generation stay until the next commit: a server may be loading it right now.
  const keep = new Set([...dataFiles(manifest), ...(previous ? dataFiles(previous) : [])].map((file) => file.name));
  for (const name of readdirSync(dir)) {
    if (((DATA_FILE.test(name) || FORMER_DATA_FILE.test(name)) && !keep.has(name)) || name.startsWith(`${MANIFEST}.tmp-`))
      rmSync(join(dir, name), { force: true });
  }
  return manifest;
}
