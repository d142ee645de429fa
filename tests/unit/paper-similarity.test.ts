import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dot, paperSimilarity } from '../../src/search/modes/context.js';

const DIMENSIONS = 8;
const unit = fc
  .array(fc.float({ min: -1, max: 1, noNaN: true }), { minLength: DIMENSIONS, maxLength: DIMENSIONS })
  .filter((values) => Math.hypot(...values) > 0.1)
  .map((values) => Float32Array.from(values, (v) => v / Math.hypot(...values)));

/** The cosine of `a` and `b` once `mean` is subtracted from both, written out. */
function centredCosine(a: Float32Array, b: Float32Array, mean: readonly number[]): number {
  const ac = Array.from(a, (v, d) => v - mean[d]!);
  const bc = Array.from(b, (v, d) => v - mean[d]!);
  return ac.reduce((sum, v, d) => sum + v * bc[d]!, 0) / (Math.hypot(...ac) * Math.hypot(...bc));
}

describe('paperSimilarity', () => {
  it('is the cosine of the two vectors with the library mean taken out of both', () => {
    fc.assert(
      fc.property(unit, unit, fc.array(unit, { minLength: 2, maxLength: 6 }), (text, paper, library) => {
        const mean = Array.from({ length: DIMENSIONS }, (_, d) => library.reduce((sum, v) => sum + v[d]!, 0) / library.length);
        const expected = centredCosine(text, paper, mean);
        fc.pre(Number.isFinite(expected));
        expect(paperSimilarity(text, mean)(paper)).toBeCloseTo(expected, 4);
      }),
    );
  });

  it('is the plain cosine without a library mean', () => {
    fc.assert(
      fc.property(unit, unit, (text, paper) => {
        expect(paperSimilarity(text, undefined)(paper)).toBe(dot(text, paper));
      }),
    );
  });

  it('tells apart two papers that the plain cosine finds equally close, by what they add to the library mean', () => {
    // Every paper leans along the first axis; beyond that lean, the text and the second paper share the second axis.
    const mean = [0.8, 0, 0, 0, 0, 0, 0, 0];
    const text = Float32Array.from([0.8, 0.6, 0, 0, 0, 0, 0, 0]);
    const typical = Float32Array.from([1, 0, 0, 0, 0, 0, 0, 0]);
    const sharing = Float32Array.from([0.55, 0.6, Math.sqrt(1 - 0.55 ** 2 - 0.6 ** 2), 0, 0, 0, 0, 0]);
    expect(dot(text, typical)).toBeCloseTo(dot(text, sharing), 6);
    const similarity = paperSimilarity(text, mean);
    expect(similarity(sharing)).toBeGreaterThan(similarity(typical) + 0.5);
  });
});
