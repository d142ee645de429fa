import { seededRandom } from './layout.js';

/** How many regions a map of `points` papers gets: about √n / 2, at most 30, so the list reads like a table of contents. */
export function clusterCount(points: number): number {
  return Math.max(1, Math.min(30, Math.round(Math.sqrt(points) / 2)));
}

/**
 * k-means on the map's points (k-means++ start, seeded; Lloyd until nothing moves or 50 rounds):
 * regions of the picture the reader sees. Returns each point's cluster and the clusters' centroids.
 */
export function clusterLayout(layout: Float32Array, k: number, seed: number): { assignment: Uint16Array; centroids: Float64Array } {
  const n = layout.length / 2;
  const count = Math.min(k, n);
  const random = seededRandom(seed);
  const centroids = new Float64Array(2 * count);
  const nearestSquared = new Float64Array(n).fill(Infinity);
  for (let c = 0; c < count; c++) {
    let chosen = 0;
    if (c === 0) chosen = Math.floor(random() * n);
    else {
      let total = 0;
      for (const d of nearestSquared) total += d;
      let target = random() * total;
      for (chosen = 0; chosen < n - 1; chosen++) {
        target -= nearestSquared[chosen]!;
        if (target <= 0) break;
      }
    }
    centroids[2 * c] = layout[2 * chosen]!;
    centroids[2 * c + 1] = layout[2 * chosen + 1]!;
    for (let i = 0; i < n; i++)
      nearestSquared[i] = Math.min(
        nearestSquared[i]!,
        (layout[2 * i]! - centroids[2 * c]!) ** 2 + (layout[2 * i + 1]! - centroids[2 * c + 1]!) ** 2,
      );
  }
  const assignment = new Uint16Array(n);
  for (let round = 0; round < 50; round++) {
    let moved = 0;
    for (let i = 0; i < n; i++) {
      const nearest = nearestCentroid(centroids, layout[2 * i]!, layout[2 * i + 1]!);
      if (nearest !== assignment[i] || round === 0) moved++;
      assignment[i] = nearest;
    }
    const sums = new Float64Array(3 * count);
    for (let i = 0; i < n; i++) {
      sums[3 * assignment[i]!]! += layout[2 * i]!;
      sums[3 * assignment[i]! + 1]! += layout[2 * i + 1]!;
      sums[3 * assignment[i]! + 2]! += 1;
    }
    for (let c = 0; c < count; c++)
      if (sums[3 * c + 2]! > 0) {
        centroids[2 * c] = sums[3 * c]! / sums[3 * c + 2]!;
        centroids[2 * c + 1] = sums[3 * c + 1]! / sums[3 * c + 2]!;
      }
    if (moved === 0) break;
  }
  return { assignment, centroids };
}

/** The cluster whose centroid is nearest to (x, y). */
export function nearestCentroid(centroids: Float64Array, x: number, y: number): number {
  let best = 0;
  let bestDistance = Infinity;
  for (let c = 0; c < centroids.length / 2; c++) {
    const distance = (centroids[2 * c]! - x) ** 2 + (centroids[2 * c + 1]! - y) ** 2;
    if (distance < bestDistance) {
      bestDistance = distance;
      best = c;
    }
  }
  return best;
}
