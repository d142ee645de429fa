import { describe, expect, it } from 'vitest';
import { clusterRgb, drawPoints, mapPoints, pointDiameter } from '../../src/web/client/map-draw.js';

/** An ImageData-shaped buffer (Node has no ImageData; drawPoints only reads these three fields). */
function image(width: number, height: number): ImageData {
  return { width, height, data: new Uint8ClampedArray(width * height * 4), colorSpace: 'srgb' } as ImageData;
}

/** The RGBA of a pixel. */
function pixel(target: ImageData, x: number, y: number): number[] {
  const at = (y * target.width + x) * 4;
  return [...target.data.slice(at, at + 4)];
}

const painted = (target: ImageData) => {
  let count = 0;
  for (let i = 3; i < target.data.length; i += 4) if (target.data[i]! > 0) count++;
  return count;
};

describe('drawing the points', () => {
  // World = screen at scale 1: the view's centre (10, 5) is the middle of a 20 × 10 canvas.
  const view = { centerX: 10, centerY: 5, scale: 1, width: 20, height: 10 };

  it('writes each point in its cluster colour where the view puts it, and counts the ones it drew', () => {
    const target = image(20, 10);
    const points = mapPoints(['a', 'b', 'c'], [3, 15, 40], [2, 7, 5], [0, 1, 0]);
    expect(drawPoints(target, view, 1, points, 1, false)).toBe(2);
    expect(pixel(target, 3, 2)).toEqual([...clusterRgb(0), 255]);
    expect(pixel(target, 15, 7)).toEqual([...clusterRgb(1), 255]);
    expect(painted(target)).toBe(2);
  });

  it('fades the points while results stand out, and clears the previous frame', () => {
    const target = image(20, 10);
    drawPoints(target, view, 1, mapPoints(['a'], [3], [2], [0]), 1, false);
    drawPoints(target, view, 1, mapPoints(['b'], [12], [4], [2]), 1, true);
    expect(pixel(target, 3, 2)[3]).toBe(0);
    expect(pixel(target, 12, 4)[3]).toBeGreaterThan(0);
    expect(pixel(target, 12, 4)[3]).toBeLessThan(255);
  });

  it('draws a wide point as a disc, scaled by the device pixel ratio', () => {
    const target = image(40, 20);
    drawPoints(target, view, 2, mapPoints(['a'], [10], [5], [0]), 3.5, false);
    // 7 device pixels across: a disc of 37 pixels, centred on (20, 10), corners left out.
    expect(painted(target)).toBe(37);
    expect(pixel(target, 20, 10)[3]).toBe(255);
    expect(pixel(target, 17, 7)[3]).toBe(0);
  });

  it('clips a point at the canvas edge without wrapping onto the other side', () => {
    const target = image(20, 10);
    expect(drawPoints(target, view, 1, mapPoints(['a', 'b'], [0, 19], [0, 9], [0, 0]), 3, false)).toBe(2);
    // A 3 × 3 square at each corner keeps its 4 pixels inside; nothing lands on the opposite edges.
    expect(painted(target)).toBe(8);
    expect(pixel(target, 19, 1)[3]).toBe(0);
    expect(pixel(target, 0, 8)[3]).toBe(0);
  });

  it('sizes points by how crowded the map is, growing slowly with the zoom', () => {
    expect(pointDiameter(200, 1280, 640, 1)).toBe(9);
    expect(pointDiameter(100_000, 1280, 640, 1)).toBe(2);
    expect(pointDiameter(10_000, 1280, 640, 4)).toBeGreaterThan(pointDiameter(10_000, 1280, 640, 1));
  });
});
