/** A 2-D layout: x of point i at 2i, y at 2i + 1. */
export type Layout = Float32Array;

export const LAYOUT_SEED = 42;
/** UMAP's usual neighbourhood size: local enough for clusters, wide enough to join them. */
export const UMAP_NEIGHBOURS = 15;

/** A seeded uniform generator in [0, 1) (mulberry32), so a layout is the same on every build of the same papers. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * UMAP's epochs for `n` points: umap-learn's 500 for small sets and 200 for large ones, then fewer past
 * 20,000 papers, so the work (epochs × edges) stops growing and 100,000 papers lay out within a minute
 * (`npm run bench:map` measures what this costs in neighbourhood preservation). The PCA start is what
 * lets fewer epochs suffice: the global arrangement is there from the first epoch.
 */
export function umapEpochs(n: number): number {
  if (n <= 2_500) return 500;
  if (n <= 20_000) return 200;
  return Math.max(50, Math.round(4_000_000 / n));
}

/** Rows of vectors (all of one dimension) as a reader: `row(i)` is point i. */
export interface Rows {
  count: number;
  dimensions: number;
  row(i: number): Float32Array;
}

/**
 * The projection on the two principal components. The components come from a sample of at most
 * `sampleSize` evenly spaced points (block power iteration, seeded), so the cost is one pass over the
 * points plus a fixed amount; the PCA baseline of the bench and the start of every UMAP layout.
 */
export function pcaLayout(rows: Rows, seed = LAYOUT_SEED, sampleSize = 5000): Layout {
  const { count, dimensions } = rows;
  const step = Math.max(1, Math.floor(count / sampleSize));
  const sample: Float32Array[] = [];
  for (let i = 0; i < count; i += step) sample.push(rows.row(i));
  const mean = new Float64Array(dimensions);
  for (const row of sample) for (let d = 0; d < dimensions; d++) mean[d]! += row[d]! / sample.length;

  const random = seededRandom(seed);
  const components = [0, 1].map(() => Float64Array.from({ length: dimensions }, () => random() - 0.5));
  const projected = new Float64Array(sample.length);
  for (let iteration = 0; iteration < 30; iteration++) {
    components.forEach((component, c) => {
      // v ← Σ (xᵢ − μ)((xᵢ − μ)·v), then orthogonal to the earlier component, then unit length.
      const next = new Float64Array(dimensions);
      sample.forEach((row, i) => {
        let dot = 0;
        for (let d = 0; d < dimensions; d++) dot += (row[d]! - mean[d]!) * component[d]!;
        projected[i] = dot;
      });
      sample.forEach((row, i) => {
        for (let d = 0; d < dimensions; d++) next[d]! += (row[d]! - mean[d]!) * projected[i]!;
      });
      for (let earlier = 0; earlier < c; earlier++) subtractProjection(next, components[earlier]!);
      normalise(next);
      component.set(next);
    });
  }
  const layout = new Float32Array(2 * count);
  for (let i = 0; i < count; i++) {
    const row = rows.row(i);
    components.forEach((component, c) => {
      let dot = 0;
      for (let d = 0; d < dimensions; d++) dot += (row[d]! - mean[d]!) * component[d]!;
      layout[2 * i + c] = dot;
    });
  }
  return layout;
}

function subtractProjection(vector: Float64Array, unit: Float64Array): void {
  let dot = 0;
  for (let d = 0; d < vector.length; d++) dot += vector[d]! * unit[d]!;
  for (let d = 0; d < vector.length; d++) vector[d]! -= dot * unit[d]!;
}

function normalise(vector: Float64Array): void {
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm) || 1;
  for (let d = 0; d < vector.length; d++) vector[d]! /= norm;
}

/**
 * Scales a layout into [0, 1] on its longer side, aspect kept, centred on the shorter one, so every
 * later placement (a weighted average of placed points) stays inside it too.
 */
export function normaliseLayout(layout: Layout): Layout {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < layout.length; i += 2) {
    minX = Math.min(minX, layout[i]!);
    maxX = Math.max(maxX, layout[i]!);
    minY = Math.min(minY, layout[i + 1]!);
    maxY = Math.max(maxY, layout[i + 1]!);
  }
  const span = Math.max(maxX - minX, maxY - minY) || 1;
  const offsetX = (span - (maxX - minX)) / 2;
  const offsetY = (span - (maxY - minY)) / 2;
  const normalised = new Float32Array(layout.length);
  for (let i = 0; i < layout.length; i += 2) {
    normalised[i] = (layout[i]! - minX + offsetX) / span;
    normalised[i + 1] = (layout[i + 1]! - minY + offsetY) / span;
  }
  return normalised;
}
