export {
  extendMap,
  graphNeighbours,
  layOutMap,
  type LayoutTimings,
  type MapInputs,
  PLACEMENT_NEIGHBOURS,
  readMapInputs,
  RELAYOUT_SHARE,
} from './build.js';
export { clusterCount, clusterLayout } from './clusters.js';
export { deserializeMap, type LibraryMap, type MapCluster, MapFormatError, serializeMap } from './file.js';
export { classTfIdf } from './labels.js';
export { normaliseLayout, pcaLayout, seededRandom, umapEpochs } from './layout.js';
export { fuzzyGraph, type NeighbourLists, umapLayout } from './umap.js';
export { placeBeside, type PlacedNeighbour } from './place.js';
export { neighbourhoodPreservation } from './preservation.js';
