/**
 * Drawing the map on a <canvas>. The papers go into one ImageData buffer, pixel by pixel (a 100k-point
 * frame is a loop over typed arrays and one putImageData, where 100k fillRect calls cost several times
 * more in a software-rendered canvas); the few marks on top (results, the query, liked papers, the
 * selection, labels) are drawn with the 2-D API. Coordinates are CSS pixels scaled by devicePixelRatio.
 */
import { type LabelBox, type Obstacle, placeLabels, toScreenX, toScreenY, type Viewport } from './map-geometry.js';

/** The points of the map, as loaded: parallel typed arrays indexed by point. */
export interface MapPoints {
  ids: string[];
  xs: Float32Array;
  ys: Float32Array;
  clusters: Int32Array;
  /** Each point's colour as the ImageData buffer stores it (little-endian RGBA in a u32), opaque and faded. */
  colours: Uint32Array;
  faded: Uint32Array;
}

/** Twelve colours told apart in light and dark (Tableau's 10, plus two); a cluster takes id mod 12. */
const PALETTE: ReadonlyArray<readonly [number, number, number]> = [
  [78, 121, 167],
  [242, 142, 43],
  [225, 87, 89],
  [118, 183, 178],
  [89, 161, 79],
  [237, 201, 72],
  [176, 122, 161],
  [255, 157, 167],
  [156, 117, 95],
  [186, 176, 172],
  [31, 119, 180],
  [148, 103, 189],
];
/** Points outside any cluster (a negative cluster id). */
const UNCLUSTERED: readonly [number, number, number] = [140, 140, 140];
/** A point's alpha while a search's results stand out. */
const FADED_ALPHA = 70;

export function clusterRgb(cluster: number): readonly [number, number, number] {
  return cluster < 0 ? UNCLUSTERED : (PALETTE[cluster % PALETTE.length] as readonly [number, number, number]);
}

export function clusterCss(cluster: number): string {
  return `rgb(${clusterRgb(cluster).join(' ')})`;
}

/** Packs a colour the way a Uint32Array over ImageData.data reads it on a little-endian machine (every browser's). */
function packed([r, g, b]: readonly [number, number, number], alpha: number): number {
  return ((alpha << 24) | (b << 16) | (g << 8) | r) >>> 0;
}

export function mapPoints(ids: string[], x: number[], y: number[], cluster: number[]): MapPoints {
  const clusters = Int32Array.from(cluster);
  const colours = new Uint32Array(ids.length);
  const faded = new Uint32Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const rgb = clusterRgb(clusters[i] as number);
    colours[i] = packed(rgb, 255);
    faded[i] = packed(rgb, FADED_ALPHA);
  }
  return { ids, xs: Float32Array.from(x), ys: Float32Array.from(y), clusters, colours, faded };
}

/**
 * A point's diameter in CSS pixels: large when the map holds few papers, small when it holds many, growing
 * slowly as one zooms in (by the square root of the zoom, so zoomed-in clusters open up).
 */
export function pointDiameter(count: number, width: number, height: number, zoom: number): number {
  const spacing = Math.sqrt((width * height) / Math.max(1, count));
  return Math.min(9, Math.max(2, 0.3 * spacing * Math.sqrt(zoom)));
}

/** The pixels that make up one point of `diameter` device pixels, relative to its centre: a square when tiny, else a disc. */
interface Stamp {
  dx: Int32Array;
  dy: Int32Array;
  /** dy × the buffer's row length + dx: the offset in the buffer. */
  offsets: Int32Array;
}

function stamp(diameter: number, rowLength: number): Stamp {
  const dxs: number[] = [];
  const dys: number[] = [];
  const radius = diameter / 2;
  const start = -Math.floor(radius);
  for (let dy = start; dy < start + diameter; dy++)
    for (let dx = start; dx < start + diameter; dx++) {
      // Distances from the stamp's middle, measured between pixel centres.
      const cx = dx - start - (diameter - 1) / 2;
      const cy = dy - start - (diameter - 1) / 2;
      if (diameter < 4 || cx * cx + cy * cy <= radius * radius) {
        dxs.push(dx);
        dys.push(dy);
      }
    }
  return {
    dx: Int32Array.from(dxs),
    dy: Int32Array.from(dys),
    offsets: Int32Array.from(dxs, (dx, k) => (dys[k] as number) * rowLength + dx),
  };
}

/**
 * Writes every point inside the view into `image` (sized to the canvas in device pixels) and returns how
 * many it drew. `fade` draws them see-through, so that highlighted points stand out.
 */
export function drawPoints(image: ImageData, view: Viewport, ratio: number, points: MapPoints, diameter: number, fade: boolean): number {
  const pixels = new Uint32Array(image.data.buffer);
  pixels.fill(0);
  const width = image.width;
  const height = image.height;
  const size = Math.max(1, Math.round(diameter * ratio));
  const { dx, dy, offsets } = stamp(size, width);
  const reach = Math.ceil(size / 2);
  const scale = view.scale * ratio;
  const originX = (view.width / 2) * ratio - view.centerX * scale;
  const originY = (view.height / 2) * ratio - view.centerY * scale;
  const colours = fade ? points.faded : points.colours;
  const { xs, ys } = points;
  let drawn = 0;
  for (let i = 0; i < xs.length; i++) {
    const px = Math.round((xs[i] as number) * scale + originX);
    const py = Math.round((ys[i] as number) * scale + originY);
    if (px < -reach || py < -reach || px >= width + reach || py >= height + reach) continue;
    drawn++;
    const colour = colours[i] as number;
    if (px >= reach && py >= reach && px < width - reach && py < height - reach) {
      const centre = py * width + px;
      for (let k = 0; k < offsets.length; k++) pixels[centre + (offsets[k] as number)] = colour;
    } else {
      // Near an edge: only the stamp's pixels that fall inside the canvas.
      for (let k = 0; k < offsets.length; k++) {
        const x = px + (dx[k] as number);
        const y = py + (dy[k] as number);
        if (x >= 0 && y >= 0 && x < width && y < height) pixels[y * width + x] = colour;
      }
    }
  }
  return drawn;
}

/** The page's colours, read from its CSS custom properties so the map follows light and dark. */
export interface Palette {
  fg: string;
  bg: string;
  accent: string;
  liked: string;
}

export function paletteOf(element: Element): Palette {
  const style = getComputedStyle(element);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    fg: read('--fg', '#1d1f21'),
    bg: read('--card', '#ffffff'),
    accent: read('--accent', '#1f5fbf'),
    liked: read('--liked', '#d6336c'),
  };
}

/** A ring around a point, in CSS pixels. */
export function ring(context: CanvasRenderingContext2D, x: number, y: number, radius: number, colour: string, width: number): void {
  context.beginPath();
  context.arc(x, y, radius, 0, 2 * Math.PI);
  context.lineWidth = width;
  context.strokeStyle = colour;
  context.stroke();
}

/** A filled dot with an outline. */
export function dot(context: CanvasRenderingContext2D, x: number, y: number, radius: number, fill: string, outline: string): void {
  context.beginPath();
  context.arc(x, y, radius, 0, 2 * Math.PI);
  context.fillStyle = fill;
  context.fill();
  context.lineWidth = 1.5;
  context.strokeStyle = outline;
  context.stroke();
}

/** A small diamond: a liked paper. */
export function diamond(context: CanvasRenderingContext2D, x: number, y: number, radius: number, fill: string, outline: string): void {
  context.beginPath();
  context.moveTo(x, y - radius);
  context.lineTo(x + radius, y);
  context.lineTo(x, y + radius);
  context.lineTo(x - radius, y);
  context.closePath();
  context.fillStyle = fill;
  context.fill();
  context.lineWidth = 1.5;
  context.strokeStyle = outline;
  context.stroke();
}

const QUERY_CAPTION = 'your query';
const QUERY_FONT = '600 12px system-ui, sans-serif';

/** The room the query's star and caption take, centred where it is drawn: no cluster label goes there. */
export function queryMarkBox(context: CanvasRenderingContext2D, x: number, y: number): Obstacle {
  context.font = QUERY_FONT;
  const width = 13 + context.measureText(QUERY_CAPTION).width + 20;
  return { x: x - 10 + width / 2, y, width, height: 22 };
}

/** A star with a caption: where the query sits. */
export function queryMark(context: CanvasRenderingContext2D, x: number, y: number, palette: Palette): void {
  const caption = QUERY_CAPTION;
  context.font = QUERY_FONT;
  context.beginPath();
  for (let k = 0; k < 10; k++) {
    const radius = k % 2 === 0 ? 10 : 4.5;
    const angle = -Math.PI / 2 + (k * Math.PI) / 5;
    context.lineTo(x + radius * Math.cos(angle), y + radius * Math.sin(angle));
  }
  context.closePath();
  context.fillStyle = palette.accent;
  context.fill();
  context.lineWidth = 2;
  context.strokeStyle = palette.bg;
  context.stroke();
  haloText(context, caption, x + 13, y + 4, palette, 'left');
}

/** Text with a halo of the background colour, readable over points. */
export function haloText(
  context: CanvasRenderingContext2D,
  text: string,
  x: number,
  y: number,
  palette: Palette,
  align: CanvasTextAlign,
): void {
  context.textAlign = align;
  context.lineJoin = 'round';
  context.lineWidth = 4;
  context.strokeStyle = palette.bg;
  context.strokeText(text, x, y);
  context.fillStyle = palette.fg;
  context.fillText(text, x, y);
}

const LABEL_FONT = '600 13px system-ui, sans-serif';
const LABEL_HEIGHT = 18;

/** The cluster labels that fit at this zoom (see placeLabels), drawn; returns how many. */
export function drawLabels(
  context: CanvasRenderingContext2D,
  clusters: ReadonlyArray<{ id: number; label: string; size: number; x: number; y: number }>,
  view: Viewport,
  zoom: number,
  palette: Palette,
  obstacles: Obstacle[],
): number {
  context.font = LABEL_FONT;
  context.textBaseline = 'middle';
  const text = new Map(clusters.map((cluster) => [cluster.id, cluster.label]));
  const boxes: LabelBox[] = clusters.map((cluster) => ({
    id: cluster.id,
    size: cluster.size,
    x: toScreenX(view, cluster.x),
    y: toScreenY(view, cluster.y),
    width: context.measureText(cluster.label).width + 8,
    height: LABEL_HEIGHT,
  }));
  const kept = placeLabels(boxes, zoom, view.width, view.height, obstacles);
  for (const box of kept) haloText(context, text.get(box.id) ?? '', box.x, box.y, palette, 'center');
  context.textBaseline = 'alphabetic';
  return kept.length;
}
