/** A placed paper near the one being placed: where it is on the map, and how far in the embedding (cosine distance). */
export interface PlacedNeighbour {
  x: number;
  y: number;
  distance: number;
}

/**
 * Where a new point goes on an existing map: the average of its nearest placed neighbours' positions
 * weighted as UMAP's transform weighs them, by fuzzy membership exp(−(d − d_nearest) / σ) with σ
 * chosen so the memberships add up to log₂(k) (UMAP's smooth k-NN distance): the nearest count most
 * and the weighting adapts to how crowded the neighbourhood is. Nothing already placed moves.
 */
export function placeBeside(neighbours: readonly PlacedNeighbour[]): { x: number; y: number } {
  if (neighbours.length === 0) return { x: 0.5, y: 0.5 };
  const nearest = Math.min(...neighbours.map((n) => n.distance));
  const sigma = smoothSigma(
    neighbours.map((n) => n.distance - nearest),
    Math.log2(Math.max(2, neighbours.length)),
  );
  let x = 0;
  let y = 0;
  let total = 0;
  for (const neighbour of neighbours) {
    const weight = Math.exp(-(neighbour.distance - nearest) / sigma);
    x += weight * neighbour.x;
    y += weight * neighbour.y;
    total += weight;
  }
  return { x: x / total, y: y / total };
}

/** The σ at which Σ exp(−excess / σ) equals `target`, by bisection (64 steps, as umap-js's smoothKNNDistance). */
function smoothSigma(excess: readonly number[], target: number): number {
  let low = 0;
  let high = Infinity;
  let sigma = 1;
  for (let step = 0; step < 64; step++) {
    const sum = excess.reduce((total, e) => total + Math.exp(-e / sigma), 0);
    if (Math.abs(sum - target) < 1e-5) break;
    if (sum > target) high = sigma;
    else low = sigma;
    sigma = high === Infinity ? sigma * 2 : (low + high) / 2;
  }
  return Math.max(sigma, 1e-9);
}
