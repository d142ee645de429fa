import type { Calibration, LexicalHit, LibraryMap, Manifest, Neighbour, PaperAdded } from '../index/index.js';
import type { ModelInfo } from '../model/index.js';
import type { Paper } from '../papers/index.js';

/**
 * What the engine needs from the parts below it, and nothing more: any backend that provides these
 * (another index layout, a store that scales past one machine) plugs in without touching search.
 */

/** Turns text of any length into a unit vector of the model the index was built with. */
export interface Encoder {
  readonly info: ModelInfo;
  embedLong(text: string): Promise<Float32Array>;
}

/**
 * Papers by ordinal and by id, with their stored unit vectors. Ordinals need not be contiguous (a
 * store updated in place leaves the ordinals of removed papers unused): `liveOrdinals` lists them.
 */
export interface PaperStore {
  /** Papers in the store. */
  readonly size: number;
  liveOrdinals(): Uint32Array;
  ordinalOf(id: string): number | undefined;
  /** The id of the paper at `ordinal`, without reading its record. */
  idOf(ordinal: number): string;
  paper(ordinal: number): Paper;
  /** When the paper first entered the library (time and build generation), kept across rebuilds. */
  added(ordinal: number): PaperAdded;
  vectorOf(ordinal: number): Float32Array;
}

/** Approximate nearest neighbours by cosine similarity, best first, leaving out `exclude`, only those `allow` accepts. */
export interface DenseRetriever {
  nearest(vector: Float32Array, k: number, exclude?: number, allow?: (ordinal: number) => boolean): Neighbour[];
}

/**
 * BM25 hits, best first, only those `allow` accepts, the idf of an analyzed term (for snippets), and how
 * many papers have a term (whether a lookup's joined or split form is in the library).
 */
export interface LexicalRetriever {
  query(text: string, limit: number, titleBoost: number, allow?: (ordinal: number) => boolean): LexicalHit[];
  idf(term: string): number;
  documentFrequency(term: string): number;
}

/** One searchable index: papers, both retrievers over the same ordinals, and what built it. */
export interface SearchableIndex extends PaperStore, DenseRetriever {
  readonly lexical: LexicalRetriever;
  /** Every paper's place on the map of the library (by ordinal) and the map's named regions. */
  readonly map: LibraryMap;
  /** What a match looks like in this index (absent: the engine uses its fixed confidence bars). */
  readonly calibration?: Calibration;
  /** Releases the index's files once nothing reads it any more. */
  close(): void;
  readonly manifest: Pick<Manifest, 'model' | 'builtAt' | 'paperCount' | 'papersPerSource' | 'generation'>;
}
