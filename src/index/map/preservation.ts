/**
 * Neighbourhood preservation of a 2-D layout: for each sampled point, the share of its `k` nearest
 * neighbours in the embedding (given, best first, itself excluded) that are among its `k` nearest on the
 * map (Euclidean, by brute force), averaged over the sample. 1 means the map keeps every neighbourhood.
 */
export function neighbourhoodPreservation(
  layout: Float32Array,
  sample: readonly number[],
  embeddingNeighbours: ReadonlyArray<readonly number[]>,
  k = 10,
): number {
  const points = layout.length / 2;
  let sum = 0;
  sample.forEach((point, s) => {
    const px = layout[2 * point]!;
    const py = layout[2 * point + 1]!;
    const distances = new Float64Array(points);
    for (let q = 0; q < points; q++) distances[q] = q === point ? Infinity : (layout[2 * q]! - px) ** 2 + (layout[2 * q + 1]! - py) ** 2;
    const onMap = new Set(nearestIndices(distances, k));
    const wanted = embeddingNeighbours[s]!.slice(0, k);
    sum += wanted.filter((q) => onMap.has(q)).length / Math.max(1, wanted.length);
  });
  return sample.length === 0 ? 1 : sum / sample.length;
}

/** The indices of the `k` smallest values (any order among equals). */
function nearestIndices(values: Float64Array, k: number): number[] {
  const count = Math.min(k, values.length);
  if (count === 0) return [];
  // The k-th smallest by selection on a copy, then everything strictly below it plus ties up to k.
  const sorted = Float64Array.from(values).sort();
  const bar = sorted[count - 1]!;
  const chosen: number[] = [];
  for (let i = 0; i < values.length && chosen.length < count; i++) if (values[i]! < bar) chosen.push(i);
  for (let i = 0; i < values.length && chosen.length < count; i++) if (values[i] === bar) chosen.push(i);
  return chosen;
}
