import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { PRECISIONS } from '../contract/values.js';
import type { ModelInfo } from '../model/index.js';
import { crc32, type DigestKind, sha256 } from '../storage/index.js';

/** Bump when the on-disk layout changes; an index of another version is never reused. */
export const FORMAT_VERSION = 7;
export const MANIFEST = 'manifest.json';

const HnswParamsSchema = z.object({
  space: z.literal('cosine'),
  m: z.number().int().positive(),
  efConstruction: z.number().int().positive(),
  /** The search width of a graph of up to 100,000 papers; larger graphs are searched wider (`searchWidth` in dense.ts). */
  efSearch: z.number().int().positive(),
});
export type HnswParams = z.infer<typeof HnswParamsSchema>;

export const DEFAULT_HNSW: HnswParams = { space: 'cosine', m: 16, efConstruction: 200, efSearch: 128 };

/** The only names a data file has: a plain name inside the index folder, never a path out of it. */
export const DATA_FILE = /^(hnsw|deletions|map|calibration|papers|vectors|table|lexical)-[a-z0-9-]+\.(bin|jsonl|json|f32)$/;

/** Data files of earlier formats, removed by the next build. */
export const FORMER_DATA_FILE = /^ids-[a-z0-9-]+\.json$/;

const FileEntrySchema = z
  .object({
    name: z.string().regex(DATA_FILE, 'not a data file name of an index folder'),
    bytes: z.number().int().nonnegative(),
    /** CRC-32 of the file (hex), what every build writes: a damaged file is caught at memory speed. */
    crc32: z
      .string()
      .regex(/^[0-9a-f]{8}$/)
      .optional(),
    /** sha256 of the file, in files written before CRC-32 was used; still verified, so such an index needs no rebuild. */
    sha256: z.string().length(64).optional(),
  })
  .refine((entry) => (entry.crc32 === undefined) !== (entry.sha256 === undefined), 'a data file has one checksum, crc32 or sha256');
export type FileEntry = z.infer<typeof FileEntrySchema>;

/** Which digest a data file's entry records, and its value. */
export function recordedDigest(entry: FileEntry): { kind: DigestKind; value: string } {
  return entry.crc32 !== undefined ? { kind: 'crc32', value: entry.crc32 } : { kind: 'sha256', value: entry.sha256 ?? '' };
}

/** Whether `bytes` are the file `entry` records. */
export function matchesEntry(entry: FileEntry, bytes: Uint8Array): boolean {
  const { kind, value } = recordedDigest(entry);
  return bytes.length === entry.bytes && (kind === 'crc32' ? crc32(bytes) : sha256(bytes)) === value;
}

/**
 * The papers one build added, ordinals [base, base + count): their records, their unit vectors,
 * their table (ids, offsets, record hashes, when each was added) and their BM25 postings. Written once, shared by
 * every later generation until a merge or a full build replaces it.
 */
const SegmentSchema = z.object({
  base: z.number().int().nonnegative(),
  count: z.number().int().nonnegative(),
  papers: FileEntrySchema,
  vectors: FileEntrySchema,
  table: FileEntrySchema,
  lexical: FileEntrySchema,
});
export type Segment = z.infer<typeof SegmentSchema>;

export const ManifestSchema = z.object({
  formatVersion: z.literal(FORMAT_VERSION),
  /** Counts the builds that wrote this folder: 1 for the first, one more for each that changed it. */
  generation: z.number().int().positive(),
  model: z.object({
    name: z.string(),
    precision: z.enum(PRECISIONS),
    checksum: z.string(),
    dimensions: z.number().int().positive(),
    maxTokens: z.number().int().positive(),
  }),
  /** Papers in the index (deleted ones not counted). */
  paperCount: z.number().int().nonnegative(),
  /** Every ordinal in use is below this; ordinals of deleted papers are not reused until a full build. */
  ordinalLimit: z.number().int().nonnegative(),
  /** sha256 over every paper record: equal hashes mean an identical corpus. */
  corpusHash: z.string(),
  builtAt: z.string(),
  /**
   * The library: the files and folders the user gave (relative to the index folder), remembered so
   * that a later build re-reads them and adds new inputs to them. Absent in indexes built before.
   */
  inputs: z.array(z.string()).optional(),
  /** The files those inputs expanded to, in reading order. */
  sources: z.array(z.string()),
  /** Papers in the index by the file each was first read from. */
  papersPerSource: z.record(z.string(), z.number().int().nonnegative()).optional(),
  hnsw: HnswParamsSchema,
  files: z.object({
    /** The graph over every ordinal, deleted ones marked. */
    hnsw: FileEntrySchema,
    /** The ordinals of papers removed or replaced since the last full build (u32, ascending). */
    deletions: FileEntrySchema,
    /** The map of the library: every paper's 2-D position and region, and the regions' names. */
    map: FileEntrySchema,
    /** What a match looks like in this generation (`calibration.ts`); absent in indexes built before, or without papers. */
    calibration: FileEntrySchema.optional(),
  }),
  /** In ordinal order, ranges disjoint (a segment whose papers are all deleted is dropped). */
  segments: z.array(SegmentSchema),
});
export type Manifest = z.infer<typeof ManifestSchema>;

export class IndexError extends Error {}

export function readManifest(dir: string): Manifest {
  const path = join(dir, MANIFEST);
  if (!existsSync(path))
    throw new IndexError(`no index in ${dir} (${MANIFEST} missing); build one with "npx paper-search build --input <papers> --out ${dir}"`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new IndexError(`${path} is not valid JSON; rebuild the index with "npx paper-search build --out ${dir}"`);
  }
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new IndexError(
      `${path} is not a format-${FORMAT_VERSION} manifest (${issue.path.join('.') || 'root'}: ${issue.message}); rebuild the index with "npx paper-search build --out ${dir}"`,
    );
  }
  return parsed.data;
}

/** Every data file a manifest refers to. */
export function dataFiles(manifest: Manifest): FileEntry[] {
  return [
    ...Object.values(manifest.files).filter((file) => file !== undefined),
    ...manifest.segments.flatMap(({ papers, vectors, table, lexical }) => [papers, vectors, table, lexical]),
  ];
}

/** The manifest of the index in `dir`, or undefined when there is none or it is unusable. */
export function readManifestIfAny(dir: string): Manifest | undefined {
  try {
    return readManifest(dir);
  } catch {
    return undefined;
  }
}

/** The one answer to "were these vectors computed by this model?": same converted weights, same precision. */
export function builtWith(manifest: Pick<Manifest, 'model'>, model: ModelInfo): boolean {
  return manifest.model.checksum === model.checksum;
}

export function describeModel(model: Pick<ModelInfo, 'name' | 'precision' | 'checksum'>): string {
  return `${model.name} (${model.precision}, ${model.checksum.slice(0, 12)})`;
}
