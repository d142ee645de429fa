/**
 * Exact (brute-force) dense top-k: the dot product of the query with every vector, best first, as
 * ordinals into `vectors`. Vectors are unit length, so this is cosine order. It is the exact-dense
 * baseline of the quality tables and the ground truth HNSW recall is measured against; the bench
 * also times it, so it stays a plain scan and full sort, as any brute-force search would be.
 */
export function exactTopK(vectors: readonly Float32Array[], query: Float32Array, k: number): number[] {
  const scored = vectors.map((vector, ordinal) => {
    let dot = 0;
    for (let d = 0; d < vector.length; d++) dot += vector[d]! * query[d]!;
    return [dot, ordinal] as const;
  });
  return scored
    .sort((a, b) => b[0] - a[0])
    .slice(0, k)
    .map(([, ordinal]) => ordinal);
}
