import { describe, expect, it } from 'vitest';
import {
  boundsOf,
  fitView,
  insidePolygon,
  type LabelBox,
  PointGrid,
  panBy,
  placeLabels,
  toScreenX,
  toScreenY,
  toWorld,
  ZOOM_LIMITS,
  zoomAt,
} from '../../src/web/client/map-geometry.js';

/** A deterministic scatter of n points in the unit square. */
function scatter(n: number): { xs: Float32Array; ys: Float32Array } {
  const xs = new Float32Array(n);
  const ys = new Float32Array(n);
  let seed = 12345;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let i = 0; i < n; i++) {
    xs[i] = next();
    ys[i] = next();
  }
  return { xs, ys };
}

describe('the viewport', () => {
  const bounds = { minX: -1, minY: -0.5, maxX: 1, maxY: 0.5 };

  it('fits the whole map inside the canvas, margins kept, centred', () => {
    const view = fitView(bounds, 800, 600, 20);
    expect(view.scale).toBe(380); // (800 - 40) / 2 limits it, not (600 - 40) / 1
    expect(toScreenX(view, -1)).toBe(20);
    expect(toScreenX(view, 1)).toBe(780);
    expect(toScreenY(view, 0)).toBe(300);
  });

  it('maps screen to world and back', () => {
    const view = { centerX: 0.3, centerY: -0.2, scale: 250, width: 640, height: 480 };
    const world = toWorld(view, 123, 456);
    expect(toScreenX(view, world.x)).toBeCloseTo(123, 9);
    expect(toScreenY(view, world.y)).toBeCloseTo(456, 9);
  });

  it('pans with the drag: the world point under the pointer moves with it', () => {
    const view = fitView(bounds, 800, 600, 20);
    const before = toWorld(view, 100, 100);
    const moved = panBy(view, 30, -40);
    expect(toScreenX(moved, before.x)).toBeCloseTo(130, 9);
    expect(toScreenY(moved, before.y)).toBeCloseTo(60, 9);
  });

  it('zooms about the pointer, which stays over the same world point, within the limits', () => {
    const view = fitView(bounds, 800, 600, 20);
    const under = toWorld(view, 200, 150);
    const zoomed = zoomAt(view, 3, 200, 150, view.scale);
    expect(zoomed.scale).toBeCloseTo(view.scale * 3, 9);
    expect(toScreenX(zoomed, under.x)).toBeCloseTo(200, 9);
    expect(toScreenY(zoomed, under.y)).toBeCloseTo(150, 9);
    expect(zoomAt(view, 1e6, 0, 0, view.scale).scale).toBe(view.scale * ZOOM_LIMITS.max);
    expect(zoomAt(view, 1e-6, 0, 0, view.scale).scale).toBe(view.scale * ZOOM_LIMITS.min);
  });

  it('gives a one-point or empty map a unit square', () => {
    expect(boundsOf([2], [3])).toEqual({ minX: 1.5, minY: 2.5, maxX: 2.5, maxY: 3.5 });
    expect(boundsOf([], [])).toEqual({ minX: 0, minY: 0, maxX: 1, maxY: 1 });
  });
});

describe('the point grid', () => {
  const { xs, ys } = scatter(20_000);
  const grid = new PointGrid(xs, ys);

  it('finds the nearest point within a radius, as a scan of every point does', () => {
    for (const [x, y] of [
      [0.5, 0.5],
      [0.01, 0.99],
      [0.73, 0.12],
      [1.2, 0.5],
    ] as const) {
      let expected = -1;
      let best = 0.02 ** 2;
      for (let i = 0; i < xs.length; i++) {
        const d = ((xs[i] as number) - x) ** 2 + ((ys[i] as number) - y) ** 2;
        if (d <= best) [expected, best] = [i, d];
      }
      expect(grid.nearest(x, y, 0.02)).toBe(expected);
    }
    expect(grid.nearest(5, 5, 0.1)).toBe(-1);
  });

  it('lists the points inside a rectangle, corners in any order', () => {
    const expected = [...xs.keys()].filter((i) => xs[i]! >= 0.2 && xs[i]! <= 0.4 && ys[i]! >= 0.6 && ys[i]! <= 0.65);
    expect(expected.length).toBeGreaterThan(50);
    expect(grid.inRect(0.4, 0.65, 0.2, 0.6)).toEqual(expected);
  });

  it('lists the points inside a lasso (a triangle here)', () => {
    const triangle = [
      { x: 0.1, y: 0.1 },
      { x: 0.9, y: 0.1 },
      { x: 0.1, y: 0.9 },
    ];
    const expected = [...xs.keys()].filter((i) => xs[i]! + ys[i]! < 1 && xs[i]! > 0.1 && ys[i]! > 0.1);
    const found = grid.inPolygon(triangle);
    // Points within float rounding of an edge may fall either way.
    expect(Math.abs(found.length - expected.length)).toBeLessThanOrEqual(2);
    expect(found.filter((i) => !expected.includes(i)).length).toBeLessThanOrEqual(2);
    expect(grid.inPolygon(triangle.slice(0, 2))).toEqual([]);
  });

  it('tells inside from outside of a concave polygon', () => {
    const notch = [
      { x: 0, y: 0 },
      { x: 4, y: 0 },
      { x: 4, y: 4 },
      { x: 2, y: 1 },
      { x: 0, y: 4 },
    ];
    expect(insidePolygon(notch, 1, 0.5)).toBe(true);
    expect(insidePolygon(notch, 2, 3)).toBe(false);
    expect(insidePolygon(notch, 3.5, 3)).toBe(true);
  });
});

describe('cluster labels', () => {
  const label = (id: number, size: number, x: number, y: number): LabelBox => ({ id, size, x, y, width: 100, height: 16 });

  it('keeps the larger of two overlapping labels and drops labels off the canvas', () => {
    const kept = placeLabels([label(1, 10, 100, 100), label(2, 50, 140, 105), label(3, 30, 400, 300), label(4, 40, 790, 300)], 1, 800, 600);
    expect(kept.map((l) => l.id)).toEqual([2, 3]);
  });

  it('leaves the obstacles free (the query’s star and caption)', () => {
    const kept = placeLabels([label(1, 50, 100, 100), label(2, 10, 400, 300)], 1, 800, 600, [{ x: 120, y: 104, width: 60, height: 20 }]);
    expect(kept.map((l) => l.id)).toEqual([2]);
  });

  it('shows only the largest clusters zoomed out, and the small ones once zoomed in', () => {
    const labels = [...Array(40).keys()].map((id) => label(id, id < 5 ? 1000 : 10, 60 + (id % 6) * 120, 30 + Math.floor(id / 6) * 40));
    expect(placeLabels(labels, 1, 800, 600).map((l) => l.id)).toEqual([0, 1, 2, 3, 4]);
    expect(placeLabels(labels, 10, 800, 600)).toHaveLength(40);
  });
});
