import { seededRandom } from './layout.js';

/**
 * Each point's `k` nearest neighbours, itself first, cosine distances ascending, flat: point i's are
 * at [i·k, (i + 1)·k). A point with fewer than k has its row padded with −1.
 */
export interface NeighbourLists {
  k: number;
  indices: Int32Array;
  distances: Float32Array;
}

/** umap-learn's curve for min_dist 0.1, spread 1 (its find_ab_params): 1 / (1 + a·d^(2b)). */
const A = 1.576943460405378;
const B = 0.8950608781227859;
const NEGATIVE_SAMPLES = 5;
const LEARNING_RATE = 1;
/** umap-learn's smallest σ, as a share of the mean neighbour distance. */
const MIN_SIGMA_SCALE = 1e-3;

/**
 * UMAP (McInnes et al.; the algorithm of umap-learn) over neighbour lists the caller already has (the
 * index's HNSW neighbours), on typed arrays: the fuzzy graph (smooth k-NN distances, fuzzy union),
 * then stochastic gradient descent with negative sampling from `start` (the PCA plane, which keeps
 * far-apart topics far apart). umap-js does the same with nested arrays and maps, and at 100,000
 * papers took minutes (`npm run bench:map` measures both). Deterministic for a seed.
 */
export function umapLayout(neighbours: NeighbourLists, start: Float32Array, seed: number, epochs: number): Float32Array {
  const n = start.length / 2;
  const edges = fuzzyGraph(neighbours);
  const layout = new Float32Array(2 * n);
  let extent = 1e-9;
  for (const value of start) extent = Math.max(extent, Math.abs(value));
  for (let i = 0; i < 2 * n; i++) layout[i] = (start[i]! * 10) / extent;
  optimise(layout, edges, epochs, seededRandom(seed));
  return layout;
}

interface Edges {
  heads: Int32Array;
  tails: Int32Array;
  weights: Float32Array;
}

/**
 * The fuzzy simplicial set: each directed k-NN edge's membership exp(−(d − ρ) / σ) (ρ the nearest
 * neighbour's distance, σ such that a point's memberships add up to log₂ k), then the fuzzy union
 * w + w' − w·w' of the two directions; every undirected edge listed both ways, as umap-learn's
 * symmetric matrix does.
 */
export function fuzzyGraph({ k, indices, distances }: NeighbourLists): Edges {
  const n = indices.length / k;
  const memberships = new Float32Array(indices.length);
  const target = Math.log2(k);
  let meanDistance = 0;
  for (const d of distances) meanDistance += d / distances.length;
  for (let i = 0; i < n; i++) {
    const row = i * k;
    let rho = 0;
    for (let j = 0; j < k; j++)
      if (indices[row + j]! >= 0 && indices[row + j] !== i && distances[row + j]! > 0) {
        rho = distances[row + j]!;
        break;
      }
    const sum = (sigma: number) => {
      let total = 0;
      for (let j = 0; j < k; j++)
        if (indices[row + j]! >= 0 && indices[row + j] !== i) total += Math.exp(-Math.max(0, distances[row + j]! - rho) / sigma);
      return total;
    };
    let low = 0;
    let high = Infinity;
    let sigma = 1;
    for (let step = 0; step < 64; step++) {
      const total = sum(sigma);
      if (Math.abs(total - target) < 1e-5) break;
      if (total > target) high = sigma;
      else low = sigma;
      sigma = high === Infinity ? sigma * 2 : (low + high) / 2;
    }
    sigma = Math.max(sigma, MIN_SIGMA_SCALE * meanDistance, 1e-12);
    for (let j = 0; j < k; j++) {
      const other = indices[row + j]!;
      memberships[row + j] = other < 0 || other === i ? 0 : Math.exp(-Math.max(0, distances[row + j]! - rho) / sigma);
    }
  }
  // w(i→j) as j's row gives it back, or 0 when i is not among j's neighbours.
  const reverse = (i: number, j: number) => {
    for (let m = 0; m < k; m++) if (indices[j * k + m] === i) return memberships[j * k + m]!;
    return 0;
  };
  const heads: number[] = [];
  const tails: number[] = [];
  const weights: number[] = [];
  for (let i = 0; i < n; i++)
    for (let m = 0; m < k; m++) {
      const j = indices[i * k + m]!;
      const w = memberships[i * k + m]!;
      if (w === 0) continue;
      const back = reverse(i, j);
      // A pair both rows hold is emitted once, from its smaller end.
      if (back > 0 && j < i) continue;
      const union = w + back - w * back;
      heads.push(i, j);
      tails.push(j, i);
      weights.push(union, union);
    }
  return { heads: Int32Array.from(heads), tails: Int32Array.from(tails), weights: Float32Array.from(weights) };
}

/**
 * umap-learn's optimize_layout_euclidean: each edge is sampled in proportion to its weight (every
 * max/w epochs), pulls its ends together, and pushes its head away from NEGATIVE_SAMPLES random
 * points; the step shrinks linearly to 0. Edges too weak to be sampled once are skipped.
 */
function optimise(target: Float32Array, { heads, tails, weights }: Edges, epochs: number, random: () => number): void {
  const n = target.length / 2;
  const layout = Float64Array.from(target);
  let maxWeight = 0;
  for (const w of weights) maxWeight = Math.max(maxWeight, w);
  const edgeCount = weights.length;
  const epochsPerSample = new Float64Array(edgeCount);
  for (let e = 0; e < edgeCount; e++) epochsPerSample[e] = weights[e]! < maxWeight / epochs ? -1 : maxWeight / weights[e]!;
  const nextSample = Float64Array.from(epochsPerSample);
  const epochsPerNegative = epochsPerSample.map((value) => value / NEGATIVE_SAMPLES);
  const nextNegative = Float64Array.from(epochsPerNegative);
  // Negative samples come from a fast integer generator seeded by `random`: they are most of the work.
  let state = Math.floor(random() * 0xffffffff) | 1;

  for (let epoch = 0; epoch < epochs; epoch++) {
    const alpha = LEARNING_RATE * (1 - epoch / epochs);
    for (let e = 0; e < edgeCount; e++) {
      if (epochsPerSample[e]! < 0 || nextSample[e]! > epoch) continue;
      const j = 2 * heads[e]!;
      const k = 2 * tails[e]!;
      let dx = layout[j]! - layout[k]!;
      let dy = layout[j + 1]! - layout[k + 1]!;
      let dist2 = dx * dx + dy * dy;
      if (dist2 > 0) {
        const powered = dist2 ** B;
        const coefficient = (-2 * A * B * (powered / dist2)) / (A * powered + 1);
        const gx = Math.max(-4, Math.min(4, coefficient * dx)) * alpha;
        const gy = Math.max(-4, Math.min(4, coefficient * dy)) * alpha;
        layout[j]! += gx;
        layout[j + 1]! += gy;
        layout[k]! -= gx;
        layout[k + 1]! -= gy;
      }
      nextSample[e]! += epochsPerSample[e]!;

      const negatives = Math.floor((epoch - nextNegative[e]!) / epochsPerNegative[e]!);
      for (let p = 0; p < negatives; p++) {
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        const other = 2 * ((state >>> 0) % n);
        if (other === j) continue;
        dx = layout[j]! - layout[other]!;
        dy = layout[j + 1]! - layout[other + 1]!;
        dist2 = dx * dx + dy * dy;
        if (dist2 > 0) {
          const coefficient = (2 * B) / ((0.001 + dist2) * (A * dist2 ** B + 1));
          layout[j]! += Math.max(-4, Math.min(4, coefficient * dx)) * alpha;
          layout[j + 1]! += Math.max(-4, Math.min(4, coefficient * dy)) * alpha;
        } else {
          layout[j]! += 4 * alpha;
          layout[j + 1]! += 4 * alpha;
        }
      }
      nextNegative[e]! += negatives * epochsPerNegative[e]!;
    }
  }
  target.set(layout);
}
