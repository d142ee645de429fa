import type { WireMap, WireMapPosition } from '../contract/schemas.js';
import { PLACEMENT_NEIGHBOURS, placeBeside } from '../index/index.js';
import type { SearchableIndex } from './ports.js';

/** Map coordinates are sent to 4 decimals: 1/10,000 of the map is finer than any screen shows it. */
const round = (value: number) => Math.round(value * 10_000) / 10_000;

const wireMaps = new WeakMap<SearchableIndex, WireMap>();

/**
 * The map of a generation as the contract sends it: parallel arrays over every paper in ordinal
 * order, and the regions with their sizes, largest first. Made once per generation (it never changes).
 */
export function mapToWire(index: SearchableIndex): WireMap {
  const known = wireMaps.get(index);
  if (known) return known;
  const { map } = index;
  const ordinals = index.liveOrdinals();
  const sizes = new Array<number>(map.clusters.length).fill(0);
  const points: WireMap['points'] = { ids: [], x: [], y: [], cluster: [] };
  for (const ordinal of ordinals) {
    points.ids.push(index.idOf(ordinal));
    points.x.push(round(map.x[ordinal]!));
    points.y.push(round(map.y[ordinal]!));
    points.cluster.push(map.cluster[ordinal]!);
    sizes[map.cluster[ordinal]!]!++;
  }
  const clusters = map.clusters
    .map((cluster, id) => ({ id, label: cluster.label, terms: cluster.terms, size: sizes[id]!, x: round(cluster.x), y: round(cluster.y) }))
    .filter((cluster) => cluster.size > 0)
    .sort((a, b) => b.size - a.size || a.id - b.id);
  const wire = { generation: index.manifest.generation, points, clusters };
  wireMaps.set(index, wire);
  return wire;
}

/**
 * Where a query vector lands on the generation's map: placed beside its nearest papers exactly as an
 * incremental build places a new paper, in the region of the nearest of them.
 */
export function queryPosition(index: SearchableIndex, vector: Float32Array, query: string): WireMapPosition {
  const neighbours = index.nearest(vector, PLACEMENT_NEIGHBOURS);
  const { x, y } = placeBeside(
    neighbours.map(({ ordinal, similarity }) => ({ x: index.map.x[ordinal]!, y: index.map.y[ordinal]!, distance: 1 - similarity })),
  );
  const nearest = neighbours[0];
  return {
    generation: index.manifest.generation,
    query,
    x: round(x),
    y: round(y),
    cluster: nearest ? index.map.cluster[nearest.ordinal]! : 0,
  };
}
