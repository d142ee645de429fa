import { z } from 'zod';

const MAGIC = 'PSMP';
const FILE_FORMAT = 1;

const ClusterSchema = z.object({
  label: z.string(),
  terms: z.array(z.string()),
  /** Its centroid on the map, in [0, 1]: where its label goes, and what an added paper is assigned by. */
  x: z.number(),
  y: z.number(),
});
export type MapCluster = z.infer<typeof ClusterSchema>;

const HeaderSchema = z.object({
  format: z.literal(FILE_FORMAT),
  ordinalLimit: z.number().int().nonnegative(),
  /** umap: UMAP over the graph's neighbours; pca: too few papers for UMAP, the principal plane. */
  method: z.enum(['umap', 'pca']),
  /** Papers laid out by the last full layout, and placed beside their neighbours since. */
  laidOut: z.number().int().nonnegative(),
  placed: z.number().int().nonnegative(),
  clusters: z.array(ClusterSchema),
});

/**
 * The map of a generation (`map-<generation>.bin`): per ordinal its position in [0, 1]² (NaN for an
 * ordinal with no paper) and its cluster; the clusters with their names and centroids; and how the
 * layout was made. Magic `PSMP`, u32 header length, JSON header, padding to 4, then x and y as
 * float32 and the cluster as u16, each one value per ordinal.
 */
export interface LibraryMap {
  x: Float32Array;
  y: Float32Array;
  cluster: Uint16Array;
  clusters: MapCluster[];
  method: 'umap' | 'pca';
  laidOut: number;
  placed: number;
}

export function serializeMap(map: LibraryMap): Uint8Array[] {
  const { x, y, cluster, ...rest } = map;
  const header = Buffer.from(JSON.stringify({ format: FILE_FORMAT, ordinalLimit: x.length, ...rest }));
  const prefix = Buffer.alloc(8);
  prefix.write(MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(header.length, 4);
  const padding = Buffer.alloc((4 - ((8 + header.length) % 4)) % 4);
  const bytes = (array: Float32Array | Uint16Array) => new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  return [prefix, header, padding, bytes(x), bytes(y), bytes(cluster)];
}

export class MapFormatError extends Error {}

export function deserializeMap(bytes: Buffer): LibraryMap {
  if (bytes.length < 8 || bytes.toString('latin1', 0, 4) !== MAGIC) throw new MapFormatError('not a map file');
  const headerEnd = 8 + bytes.readUInt32LE(4);
  let header: z.infer<typeof HeaderSchema>;
  try {
    header = HeaderSchema.parse(JSON.parse(bytes.toString('utf8', 8, headerEnd)));
  } catch {
    throw new MapFormatError('a map file with an unreadable header');
  }
  const start = headerEnd + ((4 - (headerEnd % 4)) % 4);
  const limit = header.ordinalLimit;
  if (bytes.length !== start + limit * 10) throw new MapFormatError(`a map file of the wrong size for ${limit} ordinals`);
  // Copied out: the buffer's offset need not suit a Float32Array.
  const copy = Uint8Array.prototype.slice.call(bytes, start);
  const { format: _, ordinalLimit: __, ...rest } = header;
  const map: LibraryMap = {
    x: new Float32Array(copy.buffer, 0, limit),
    y: new Float32Array(copy.buffer, 4 * limit, limit),
    cluster: new Uint16Array(copy.buffer, 8 * limit, limit),
    ...rest,
  };
  if (map.cluster.some((c, ordinal) => !Number.isNaN(map.x[ordinal]!) && c >= map.clusters.length))
    throw new MapFormatError('a map file naming a cluster it does not have');
  return map;
}
