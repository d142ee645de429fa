export {
  buildIndex,
  planBuild,
  type BuildPlan,
  corpusHash,
  embeddingText,
  isIndexCurrent,
  libraryInputs,
  ShrinkRefusedError,
  type BuildOptions,
  type BuildProgress,
  type BuildSummary,
  type LibraryChange,
} from './build.js';
export {
  type Calibration,
  type CalibrationBand,
  CALIBRATION_BANDS,
  calibrationBand,
  type CalibrationQuery,
  calibrationTexts,
  summarize,
} from './calibration.js';
export type { Neighbour } from './dense.js';
export type { LexicalHit } from './lexical/index.js';
export { TopK } from './lexical/top-k.js';
export {
  builtWith,
  DEFAULT_HNSW,
  describeModel,
  FORMAT_VERSION,
  IndexError,
  readManifest,
  readManifestIfAny,
  type HnswParams,
  type Manifest,
} from './manifest.js';
export { Deletions } from './deletions.js';
export {
  clusterCount,
  clusterLayout,
  graphNeighbours,
  layOutMap,
  type LibraryMap,
  type MapCluster,
  type MapInputs,
  neighbourhoodPreservation,
  pcaLayout,
  PLACEMENT_NEIGHBOURS,
  placeBeside,
  readMapInputs,
} from './map/index.js';
export { IndexUnreadableError, loadIndex, PaperIndex } from './reader.js';
export type { PaperAdded } from './segment.js';
export { type GenerationWatch, type GenerationWatchOptions, watchGenerations } from './watch.js';
export { updateIndex, writeIndex, type GenerationChange, type GenerationMeta, type IndexContents, type PaperToAdd } from './writer.js';
export { WATCHES_FILE, WatchesUnreadableError, WatchLimitError, WatchNotFoundError, WatchStore } from './watch-store.js';
