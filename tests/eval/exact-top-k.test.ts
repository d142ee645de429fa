import { describe, expect, it } from 'vitest';
import { exactTopK } from './exact-top-k.js';

describe('exactTopK', () => {
  const vectors = [
    [1, 0],
    [0, 1],
    [0.6, 0.8],
    [0.8, 0.6],
    [0.6, 0.8],
  ].map((v) => Float32Array.from(v));

  it('ranks every vector by dot product with the query and keeps the best k', () => {
    expect(exactTopK(vectors, Float32Array.from([1, 0]), 3)).toEqual([0, 3, 2]);
    expect(exactTopK(vectors, Float32Array.from([0, 1]), 10)).toEqual([1, 2, 4, 3, 0]);
  });

  it('keeps equal scores in ordinal order, so rankings are reproducible', () => {
    expect(exactTopK(vectors, Float32Array.from([0.6, 0.8]), 2)).toEqual([2, 4]);
  });
});
