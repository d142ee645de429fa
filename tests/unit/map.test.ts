import { describe, expect, it } from 'vitest';
import {
  classTfIdf,
  clusterLayout,
  deserializeMap,
  fuzzyGraph,
  type LibraryMap,
  MapFormatError,
  neighbourhoodPreservation,
  normaliseLayout,
  pcaLayout,
  placeBeside,
  seededRandom,
  serializeMap,
  umapLayout,
  type NeighbourLists,
} from '../../src/index/map/index.js';

describe('neighbourhood preservation', () => {
  // Five points on a line: each one's nearest on the map are its neighbours on the line.
  const line = Float32Array.of(0, 0, 1, 0, 2, 0, 3, 0, 4, 0);

  it('is 1 when the map keeps every neighbourhood', () => {
    expect(
      neighbourhoodPreservation(
        line,
        [0, 2],
        [
          [1, 2],
          [1, 3],
        ],
        2,
      ),
    ).toBe(1);
  });

  it('counts the share kept, averaged over the sample', () => {
    // Point 0's true neighbours are 3 and 4 (none kept), point 4's are 3 and 2 (both kept).
    expect(
      neighbourhoodPreservation(
        line,
        [0, 4],
        [
          [3, 4],
          [3, 2],
        ],
        2,
      ),
    ).toBe(0.5);
  });
});

describe('placing a new point beside placed neighbours', () => {
  it('puts it on its only neighbour', () => {
    expect(placeBeside([{ x: 0.2, y: 0.7, distance: 0.3 }])).toEqual({ x: 0.2, y: 0.7 });
  });

  it('takes the plain average of equally near neighbours', () => {
    const { x, y } = placeBeside([
      { x: 0, y: 0, distance: 0.2 },
      { x: 1, y: 1, distance: 0.2 },
    ]);
    expect(x).toBeCloseTo(0.5);
    expect(y).toBeCloseTo(0.5);
  });

  it('leans towards the nearer neighbour and stays between them', () => {
    const { x } = placeBeside([
      { x: 0, y: 0, distance: 0.1 },
      { x: 1, y: 0, distance: 0.5 },
    ]);
    expect(x).toBeGreaterThan(0);
    expect(x).toBeLessThan(0.5);
  });
});

describe('class-based tf-idf', () => {
  it('prefers a word frequent in one class only to one frequent everywhere', () => {
    // Terms: 0 "learning" (everywhere), 1 "robot" (class 0), 2 "protein" (class 1).
    const counts = [Float64Array.of(10, 6, 0), Float64Array.of(10, 0, 6)];
    const [first, second] = classTfIdf(counts, 2);
    expect(first).toEqual([1, 0]);
    expect(second).toEqual([2, 0]);
  });

  it('leaves out a term said once in the class', () => {
    expect(classTfIdf([Float64Array.of(5, 1), Float64Array.of(0, 4)], 3)[0]).toEqual([0]);
  });

  it('leaves out terms the caller cannot show', () => {
    const counts = [Float64Array.of(5, 2), Float64Array.of(0, 2)];
    expect(classTfIdf(counts, 3, (t) => t !== 0)[0]).toEqual([1]);
  });
});

/** Two tight groups of points in 8-d, far apart: any faithful map keeps them apart. */
function twoGroups(perGroup: number): Float32Array[] {
  const random = seededRandom(7);
  return Array.from({ length: 2 * perGroup }, (_, i) =>
    Float32Array.from({ length: 8 }, (__, d) => (d === (i < perGroup ? 0 : 1) ? 5 : 0) + random() - 0.5),
  );
}

/** Each point's k nearest (itself first) by Euclidean distance, by brute force, flat as the layout takes them. */
function bruteNeighbours(rows: Float32Array[], k: number): NeighbourLists {
  const distance = (a: Float32Array, b: Float32Array) => Math.hypot(...Array.from(a, (value, d) => value - b[d]!));
  const lists = rows.map((row) =>
    rows
      .map((other, j) => ({ j, d: distance(row, other) }))
      .sort((a, b) => a.d - b.d)
      .slice(0, k),
  );
  return {
    k,
    indices: Int32Array.from(lists.flatMap((list) => list.map((n) => n.j))),
    distances: Float32Array.from(lists.flatMap((list) => list.map((n) => n.d))),
  };
}

describe('the fuzzy graph', () => {
  it('lists every edge both ways with one weight in (0, 1], the nearest neighbour at 1', () => {
    // Three points on a line, 0 - 1 - 2: each one's neighbours, itself first.
    const { heads, tails, weights } = fuzzyGraph({
      k: 2,
      indices: Int32Array.of(0, 1, 1, 0, 2, 1),
      distances: Float32Array.of(0, 0.1, 0, 0.1, 0, 0.1),
    });
    const edges = Array.from(heads, (head, e) => `${head}-${tails[e]}:${weights[e]}`).sort();
    expect(edges).toEqual(['0-1:1', '1-0:1', '1-2:1', '2-1:1']);
  });
});

describe('layouts', () => {
  const rows = twoGroups(40);
  const asRows = { count: rows.length, dimensions: 8, row: (i: number) => rows[i]! };

  it('PCA puts the two groups on either side of the first axis', () => {
    const layout = pcaLayout(asRows);
    const side = (i: number) => Math.sign(layout[2 * i]!);
    expect(new Set(rows.slice(0, 40).map((_, i) => side(i))).size).toBe(1);
    expect(side(0)).toBe(-side(79));
  });

  it('UMAP from given neighbours is deterministic and keeps the groups apart', () => {
    const neighbours = bruteNeighbours(rows, 10);
    const start = pcaLayout(asRows);
    const first = umapLayout(neighbours, start, 3, 200);
    expect(umapLayout(neighbours, start, 3, 200)).toEqual(first);
    const { assignment } = clusterLayout(normaliseLayout(first), 2, 1);
    expect(new Set(assignment.subarray(0, 40)).size).toBe(1);
    expect(new Set(assignment.subarray(40)).size).toBe(1);
    expect(assignment[0]).not.toBe(assignment[79]);
    const sample = Array.from({ length: 80 }, (_, i) => i);
    const truth = sample.map((i) => Array.from(neighbours.indices.subarray(i * 10 + 1, (i + 1) * 10)));
    expect(neighbourhoodPreservation(first, sample, truth, 9)).toBeGreaterThan(0.3);
  });

  it('normalising fits the longer side to [0, 1] and keeps the aspect', () => {
    const layout = normaliseLayout(Float32Array.of(-2, 0, 2, 1));
    expect(Array.from(layout)).toEqual([0, 0.375, 1, 0.625]);
  });
});

describe('the map file', () => {
  const map: LibraryMap = {
    x: Float32Array.of(0.1, Number.NaN, 0.9),
    y: Float32Array.of(0.2, Number.NaN, 0.8),
    cluster: Uint16Array.of(0, 0, 1),
    clusters: [
      { label: 'robot · grasping', terms: ['robot', 'grasping'], x: 0.1, y: 0.2 },
      { label: 'protein', terms: ['protein'], x: 0.9, y: 0.8 },
    ],
    method: 'umap',
    laidOut: 2,
    placed: 0,
  };
  const bytes = () => Buffer.concat(serializeMap(map));

  it('reads back what was written', () => {
    const back = deserializeMap(bytes());
    expect(back).toEqual(map);
  });

  it('refuses a file of another kind or a cut one', () => {
    expect(() => deserializeMap(Buffer.from('PSBM0000'))).toThrow(MapFormatError);
    const whole = bytes();
    expect(() => deserializeMap(whole.subarray(0, whole.length - 2))).toThrow(/wrong size/);
  });
});
