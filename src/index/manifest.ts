import { z } from 'zod';

/** Bump when the on-disk layout changes; an index or cache of another version is never reused. */
export const FORMAT_VERSION = 4;

const HnswParamsSchema = z.object({
  space: z.literal('cosine'),
  m: z.number().int().positive(),
  efConstruction: z.number().int().positive(),
  efSearch: z.number().int().positive(),
});
export type HnswParams = z.infer<typeof HnswParamsSchema>;

export const DEFAULT_HNSW: HnswParams = { space: 'cosine', m: 16, efConstruction: 200, efSearch: 128 };

const FileEntrySchema = z.object({ name: z.string(), bytes: z.number().int().nonnegative(), sha256: z.string().length(64) });
export type FileEntry = z.infer<typeof FileEntrySchema>;

export const ManifestSchema = z.object({
  formatVersion: z.literal(FORMAT_VERSION),
  model: z.object({
    name: z.string(),
    precision: z.enum(['fp32', 'int8']),
    checksum: z.string(),
    dimensions: z.number().int().positive(),
    maxTokens: z.number().int().positive(),
  }),
  paperCount: z.number().int().nonnegative(),
  /** sha256 over the ids and embedded texts of every paper: equal hashes mean an identical corpus. */
  corpusHash: z.string(),
  builtAt: z.string(),
  sources: z.array(z.string()),
  hnsw: HnswParamsSchema,
  files: z.object({ hnsw: FileEntrySchema, papers: FileEntrySchema, ids: FileEntrySchema, vectors: FileEntrySchema, lexical: FileEntrySchema }),
});
export type Manifest = z.infer<typeof ManifestSchema>;
