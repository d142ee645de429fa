/** A placed paper near the one being placed: where it is on the map, and how far in the embedding (cosine distance). */
export interface PlacedNeighbour {
  x: number;
  y: number;
  distance: number;
}

/**
 * Where a new point goes on an existing map: the average of its nearest placed neighbours' positions,
 * weighted as UMAP's transform weighs them (membership exp(−(d − d_nearest) / σ), σ the mean excess
 * distance), so the nearest counts most and a far one little. Nothing already placed moves.
 */
export function placeBeside(neighbours: readonly PlacedNeighbour[]): { x: number; y: number } {
  if (neighbours.length === 0) return { x: 0.5, y: 0.5 };
  const nearest = Math.min(...neighbours.map((n) => n.distance));
  const sigma = neighbours.reduce((sum, n) => sum + (n.distance - nearest), 0) / neighbours.length || 1;
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
