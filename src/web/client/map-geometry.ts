/**
 * The map's arithmetic, free of the DOM so it is unit-tested on its own: the viewport (world coordinates
 * of the layout to CSS pixels and back, pan and zoom about a point), a uniform grid over the points for
 * hit-testing (hover, box, lasso) that stays fast at 100k papers, and the choice of cluster labels that
 * fit without overlapping.
 */

export interface Bounds {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** What part of the map is on screen: the world point at the canvas centre and CSS pixels per world unit. */
export interface Viewport {
  centerX: number;
  centerY: number;
  scale: number;
  /** The canvas size in CSS pixels. */
  width: number;
  height: number;
}

/** How far in the map may be zoomed, relative to the whole map fitting the canvas. */
export const ZOOM_LIMITS = { min: 0.5, max: 200 };

export function boundsOf(xs: ArrayLike<number>, ys: ArrayLike<number>): Bounds {
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i] as number;
    const y = ys[i] as number;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  // An empty or one-point map still gets a square of size 1 around where it is.
  if (!(maxX > minX)) [minX, maxX] = Number.isFinite(minX) ? [minX - 0.5, minX + 0.5] : [0, 1];
  if (!(maxY > minY)) [minY, maxY] = Number.isFinite(minY) ? [minY - 0.5, minY + 0.5] : [0, 1];
  return { minX, minY, maxX, maxY };
}

/** The viewport that shows all of `bounds` in a canvas of `width` × `height` CSS pixels, `margin` pixels from each edge. */
export function fitView(bounds: Bounds, width: number, height: number, margin: number): Viewport {
  const spanX = bounds.maxX - bounds.minX;
  const spanY = bounds.maxY - bounds.minY;
  const scale = Math.max(1e-9, Math.min((width - 2 * margin) / spanX, (height - 2 * margin) / spanY));
  return { centerX: (bounds.minX + bounds.maxX) / 2, centerY: (bounds.minY + bounds.maxY) / 2, scale, width, height };
}

export function toScreenX(view: Viewport, x: number): number {
  return (x - view.centerX) * view.scale + view.width / 2;
}

export function toScreenY(view: Viewport, y: number): number {
  return (y - view.centerY) * view.scale + view.height / 2;
}

export function toWorld(view: Viewport, sx: number, sy: number): { x: number; y: number } {
  return { x: (sx - view.width / 2) / view.scale + view.centerX, y: (sy - view.height / 2) / view.scale + view.centerY };
}

/** The view moved so the map follows a drag of (dx, dy) CSS pixels. */
export function panBy(view: Viewport, dx: number, dy: number): Viewport {
  return { ...view, centerX: view.centerX - dx / view.scale, centerY: view.centerY - dy / view.scale };
}

/**
 * The view zoomed by `factor` about the screen point (sx, sy), which stays over the same world point;
 * the zoom stays within ZOOM_LIMITS of `fitScale` (the scale at which the whole map fits).
 */
export function zoomAt(view: Viewport, factor: number, sx: number, sy: number, fitScale: number): Viewport {
  const scale = Math.min(fitScale * ZOOM_LIMITS.max, Math.max(fitScale * ZOOM_LIMITS.min, view.scale * factor));
  const anchor = toWorld(view, sx, sy);
  return {
    ...view,
    scale,
    centerX: anchor.x - (sx - view.width / 2) / scale,
    centerY: anchor.y - (sy - view.height / 2) / scale,
  };
}

/**
 * The points bucketed into a uniform grid of about four points per cell (in CSR form: one array of point
 * indices, sorted by cell, and where each cell starts), so a query looks at the few cells it overlaps.
 */
export class PointGrid {
  private readonly columns: number;
  private readonly rows: number;
  private readonly cellWidth: number;
  private readonly cellHeight: number;
  private readonly starts: Uint32Array;
  private readonly items: Uint32Array;

  constructor(
    private readonly xs: ArrayLike<number>,
    private readonly ys: ArrayLike<number>,
    private readonly bounds: Bounds = boundsOf(xs, ys),
  ) {
    const side = Math.max(1, Math.ceil(Math.sqrt(xs.length / 4)));
    this.columns = side;
    this.rows = side;
    this.cellWidth = (bounds.maxX - bounds.minX) / side;
    this.cellHeight = (bounds.maxY - bounds.minY) / side;
    const cellOfPoint = new Uint32Array(xs.length);
    const counts = new Uint32Array(side * side + 1);
    for (let i = 0; i < xs.length; i++) {
      const cell = this.row(ys[i] as number) * this.columns + this.column(xs[i] as number);
      cellOfPoint[i] = cell;
      counts[cell + 1] = (counts[cell + 1] as number) + 1;
    }
    for (let cell = 1; cell < counts.length; cell++) counts[cell] = (counts[cell] as number) + (counts[cell - 1] as number);
    this.starts = counts;
    const next = counts.slice(0, side * side);
    this.items = new Uint32Array(xs.length);
    for (let i = 0; i < xs.length; i++) {
      const cell = cellOfPoint[i] as number;
      this.items[next[cell] as number] = i;
      next[cell] = (next[cell] as number) + 1;
    }
  }

  /** The point nearest to (x, y) within `radius` (world units), or -1. */
  nearest(x: number, y: number, radius: number): number {
    let best = -1;
    let bestDistance = radius * radius;
    this.visit(x - radius, y - radius, x + radius, y + radius, (i) => {
      const dx = (this.xs[i] as number) - x;
      const dy = (this.ys[i] as number) - y;
      const distance = dx * dx + dy * dy;
      if (distance <= bestDistance) {
        best = i;
        bestDistance = distance;
      }
    });
    return best;
  }

  /** The points inside the rectangle (world units, corners in any order), in index order. */
  inRect(x0: number, y0: number, x1: number, y1: number): number[] {
    const [minX, maxX] = x0 < x1 ? [x0, x1] : [x1, x0];
    const [minY, maxY] = y0 < y1 ? [y0, y1] : [y1, y0];
    const found: number[] = [];
    this.visit(minX, minY, maxX, maxY, (i) => {
      const x = this.xs[i] as number;
      const y = this.ys[i] as number;
      if (x >= minX && x <= maxX && y >= minY && y <= maxY) found.push(i);
    });
    return found.sort((a, b) => a - b);
  }

  /** The points inside a polygon (a lasso; world units), in index order. */
  inPolygon(polygon: ReadonlyArray<{ x: number; y: number }>): number[] {
    if (polygon.length < 3) return [];
    const box = boundsOfPolygon(polygon);
    return this.inRect(box.minX, box.minY, box.maxX, box.maxY).filter((i) =>
      insidePolygon(polygon, this.xs[i] as number, this.ys[i] as number),
    );
  }

  private column(x: number): number {
    return Math.min(this.columns - 1, Math.max(0, Math.floor((x - this.bounds.minX) / this.cellWidth)));
  }

  private row(y: number): number {
    return Math.min(this.rows - 1, Math.max(0, Math.floor((y - this.bounds.minY) / this.cellHeight)));
  }

  private visit(minX: number, minY: number, maxX: number, maxY: number, each: (i: number) => void): void {
    const lastColumn = this.column(maxX);
    const lastRow = this.row(maxY);
    for (let row = this.row(minY); row <= lastRow; row++) {
      for (let column = this.column(minX); column <= lastColumn; column++) {
        const cell = row * this.columns + column;
        const end = this.starts[cell + 1] as number;
        for (let k = this.starts[cell] as number; k < end; k++) each(this.items[k] as number);
      }
    }
  }
}

function boundsOfPolygon(polygon: ReadonlyArray<{ x: number; y: number }>): Bounds {
  return boundsOf(
    polygon.map((p) => p.x),
    polygon.map((p) => p.y),
  );
}

/** Even-odd rule: a ray from the point crosses the polygon's edges an odd number of times when inside. */
export function insidePolygon(polygon: ReadonlyArray<{ x: number; y: number }>, x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const a = polygon[i] as { x: number; y: number };
    const b = polygon[j] as { x: number; y: number };
    if (a.y > y !== b.y > y && x < ((b.x - a.x) * (y - a.y)) / (b.y - a.y) + a.x) inside = !inside;
  }
  return inside;
}

/** A cluster's label as it would be drawn: centred on (x, y) in CSS pixels. */
export interface LabelBox {
  id: number;
  size: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Labels of the largest clusters are offered at any zoom; the others once the zoom makes them big enough. */
const ALWAYS_LABELLED = 5;
/** A smaller cluster is labelled once it holds this share of the map's papers, times 1/zoom². */
const LABELLED_SHARE = 1 / 30;

/** A box on the canvas that labels must leave free (the query's star and caption), centred on (x, y). */
export type Obstacle = Pick<LabelBox, 'x' | 'y' | 'width' | 'height'>;

/**
 * The labels to draw at `zoom` (1 = the whole map fits): the largest clusters always, a smaller one once
 * zoomed in enough for its size, largest first, each only if it lies on the canvas and overlaps neither a
 * label already kept nor an obstacle.
 */
export function placeLabels(labels: LabelBox[], zoom: number, width: number, height: number, obstacles: Obstacle[] = []): LabelBox[] {
  const total = labels.reduce((sum, label) => sum + label.size, 0);
  const bySize = [...labels].sort((a, b) => b.size - a.size || a.id - b.id);
  const kept: LabelBox[] = [];
  bySize.forEach((label, rank) => {
    if (rank >= ALWAYS_LABELLED && label.size * zoom * zoom < total * LABELLED_SHARE) return;
    const left = label.x - label.width / 2;
    const top = label.y - label.height / 2;
    if (left < 0 || top < 0 || left + label.width > width || top + label.height > height) return;
    if (kept.some((other) => overlaps(label, other)) || obstacles.some((other) => overlaps(label, other))) return;
    kept.push(label);
  });
  return kept;
}

function overlaps(a: Obstacle, b: Obstacle): boolean {
  return Math.abs(a.x - b.x) * 2 < a.width + b.width && Math.abs(a.y - b.y) * 2 < a.height + b.height;
}
