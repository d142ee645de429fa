import { describe, expect, it } from 'vitest';
import { searchWidth } from '../../src/index/dense.js';

describe('the width a graph is searched at', () => {
  it("is the manifest's efSearch up to 100,000 papers, then grows by twice that per tenfold growth", () => {
    expect([1, 237, 100_000].map((size) => searchWidth(128, size))).toEqual([128, 128, 128]);
    expect(searchWidth(128, 1_000_000)).toBe(384);
    expect(searchWidth(128, 10_000_000)).toBe(640);
    const sizes = [100_001, 200_000, 500_000, 1_000_000, 3_000_000];
    const widths = sizes.map((size) => searchWidth(128, size));
    expect(widths).toEqual([...widths].sort((a, b) => a - b));
  });
});
