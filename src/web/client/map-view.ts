/**
 * The Map view (`/?view=map`): every paper of GET /api/map as a point on a canvas, coloured by cluster,
 * with pan and zoom (drag, wheel, pinch, buttons, keys), hover titles (GET /api/papers/:id, cached), a
 * click opening the paper and its similar papers, the search's results and the query's own place
 * (GET /api/map/position) lit up, liked papers marked, a box or lasso listing the papers inside, and
 * cluster labels that appear as one zooms in. Frames are drawn on requestAnimationFrame, only after a
 * change. main.ts tells it what is shown (`syncMap`, `showAnswerOnMap`).
 */
import { DEFAULT_MODE } from '../../contract/values.js';
import * as api from './api.js';
import {
  clusterCss,
  diamond,
  dot,
  drawLabels,
  drawPoints,
  haloText,
  type MapPoints,
  mapPoints,
  type Palette,
  paletteOf,
  pointDiameter,
  queryMark,
  queryMarkBox,
  ring,
} from './map-draw.js';
import { boundsOf, type Bounds, fitView, PointGrid, panBy, toScreenX, toScreenY, toWorld, type Viewport, zoomAt } from './map-geometry.js';
import { loadMarks, markButtons, onMarksChange } from './marks.js';
import { citeControls, metaLine, resultItems } from './render.js';
import { type SearchState, type State, urlOf } from './state.js';
import { element } from './ui.js';

const ui = {
  toggleList: element('display-list', HTMLAnchorElement),
  toggleMap: element('display-map', HTMLAnchorElement),
  section: element('map-view', HTMLElement),
  canvas: element('map-canvas', HTMLCanvasElement),
  tooltip: element('map-tooltip', HTMLElement),
  zoomIn: element('map-zoom-in', HTMLButtonElement),
  zoomOut: element('map-zoom-out', HTMLButtonElement),
  reset: element('map-reset', HTMLButtonElement),
  tools: element('map-tools', HTMLFieldSetElement),
  status: element('map-status', HTMLElement),
  results: element('map-results', HTMLOListElement),
  selection: element('map-selection', HTMLElement),
  selectionTitle: element('map-selection-title', HTMLElement),
  selectionList: element('map-selection-list', HTMLUListElement),
  selectionClear: element('map-selection-clear', HTMLButtonElement),
  paper: element('map-paper', HTMLElement),
  clusterCount: element('map-cluster-count', HTMLElement),
  clusterList: element('map-cluster-list', HTMLOListElement),
};

/** The canvas's margin around the whole map, in CSS pixels. */
const MARGIN = 24;
/** A press that moves less than this (CSS pixels) is a click, not a drag. */
const CLICK_SLOP = 5;
/** How far an arrow key pans (CSS pixels); with Shift, four times as far. */
const KEY_PAN = 80;
/** One step of the zoom buttons and keys. */
const ZOOM_STEP = 1.5;
/** Papers of a selection listed by title (the count says how many there are). */
const SELECTION_LISTED = 50;
/** Titles fetched at once for a selection's list. */
const TITLE_REQUESTS = 6;

interface Layout {
  generation: number;
  points: MapPoints;
  clusters: api.MapCluster[];
  grid: PointGrid;
  bounds: Bounds;
  /** A point's index by paper id. */
  index: Map<string, number>;
}

type Tool = 'pan' | 'box' | 'lasso';

interface Gesture {
  kind: Tool | 'pinch';
  startX: number;
  startY: number;
  lastX: number;
  lastY: number;
  /** The farthest the pointer went from where it was pressed (a closed lasso ends where it began). */
  reach: number;
  /** The lasso's path, in world coordinates. */
  path: Array<{ x: number; y: number }>;
  pinchDistance: number;
}

let layout: Layout | null = null;
let loading: Promise<Layout | null> | null = null;
let view: Viewport | null = null;
/** The scale at which the whole map fits the canvas: zoom 1. */
let fitScale = 1;
let context: CanvasRenderingContext2D | null = null;
let image: ImageData | null = null;
let palette: Palette | null = null;
let frameRequested = false;

let shown = false;
/** The query whose results and position are on the map. */
let query = '';
let queryRequest: AbortController | null = null;
let queryPoint: api.MapPosition | null = null;
/** The search's results, as point indices in rank order (results the map does not have are left out). */
let results: number[] = [];
let focusedResult = -1;
let liked: number[] = [];
let hovered = -1;
let picked = -1;
let similar: number[] = [];
let pickRequest: AbortController | null = null;
let selection: number[] = [];
let selectionRequest: AbortController | null = null;
let gesture: Gesture | null = null;
const pointers = new Map<number, { x: number; y: number }>();

/** Papers fetched for their titles (hover, lists), the most recent PAPERS_KEPT of them. */
const papers = new Map<string, Promise<api.Paper>>();
const PAPERS_KEPT = 2000;

function paperOf(id: string): Promise<api.Paper> {
  let paper = papers.get(id);
  if (!paper) {
    paper = api.paper(id, new AbortController().signal);
    papers.set(id, paper);
    // A Map iterates in insertion order: the first key is the oldest.
    if (papers.size > PAPERS_KEPT) papers.delete(papers.keys().next().value as string);
    // A failure is not kept: the next hover asks again.
    paper.catch(() => papers.delete(id));
  }
  return paper;
}

/** Tells the "List | Map" toggle how to switch; main.ts navigates. */
export function onMapToggle(toggle: (map: boolean) => void): void {
  for (const [link, map] of [
    [ui.toggleList, false],
    [ui.toggleMap, true],
  ] as const) {
    link.addEventListener('click', (event) => {
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      toggle(map);
    });
  }
}

/** Shows or hides the map for what the page shows, and follows its query. */
export function syncMap(state: State): void {
  const search: SearchState =
    state.view === 'search'
      ? state
      : { view: 'search', q: '', mode: state.view === 'paste' ? state.mode : DEFAULT_MODE, filter: state.filter };
  const { map: _, ...asList } = search;
  ui.toggleList.href = urlOf(asList);
  ui.toggleMap.href = urlOf({ ...asList, map: true });
  shown = state.view === 'search' && state.map === true;
  const [on, off] = shown ? [ui.toggleMap, ui.toggleList] : [ui.toggleList, ui.toggleMap];
  on.setAttribute('aria-current', 'page');
  off.removeAttribute('aria-current');
  document.body.classList.toggle('showing-map', shown);
  ui.section.hidden = !shown;
  if (!shown) return;
  const asked = state.view === 'search' ? state.q.trim() : '';
  if (asked !== query) {
    query = asked;
    setResults([]);
    locateQuery(asked);
  }
  void ensureLayout().then(() => requestFrame());
}

/** Lights up a search's results on the map (a newer index generation reloads the map first). */
export async function showAnswerOnMap(answer: api.SearchAnswer): Promise<void> {
  if (!shown) return;
  const loaded = await ensureLayout(answer.generation);
  if (!loaded) return;
  setResults(answer.results.map((result) => loaded.index.get(result.id) ?? -1).filter((point) => point >= 0));
  const missing = answer.results.length - results.length;
  say(`${results.length} of ${answer.results.length} results on the map${missing ? ` (${missing} added since the map was built)` : ''}.`);
}

/** The layout, loaded once (and again when an answer comes from a newer generation); null when it cannot be. */
async function ensureLayout(generation?: number): Promise<Layout | null> {
  if (layout && (generation === undefined || generation <= layout.generation)) return layout;
  if (!loading) {
    say('Loading the map…');
    loading = api
      .mapLayout(new AbortController().signal)
      .then((answer) => {
        layout = toLayout(answer);
        // Points are indices into the layout: what was picked on an older one means nothing on this one.
        clearPicks();
        listClusters(layout);
        liked = likedPoints();
        view = null;
        resize();
        say(`${layout.points.ids.length.toLocaleString('en')} papers in ${layout.clusters.length} clusters.`);
        return layout;
      })
      .catch((error: unknown) => {
        say(`The map could not be loaded: ${error instanceof Error ? error.message : String(error)}`);
        return null;
      })
      .finally(() => {
        loading = null;
      });
  }
  return loading;
}

function toLayout(answer: api.MapLayout): Layout {
  const { ids, x, y, cluster } = answer.points;
  const points = mapPoints(ids, x, y, cluster);
  const bounds = boundsOf(points.xs, points.ys);
  ui.canvas.dataset.points = String(ids.length);
  return {
    generation: answer.generation,
    points,
    clusters: answer.clusters,
    grid: new PointGrid(points.xs, points.ys, bounds),
    bounds,
    index: new Map(ids.map((id, point) => [id, point])),
  };
}

/** Where the query sits, asked in the background; the map shows it when it comes. */
function locateQuery(q: string): void {
  queryRequest?.abort();
  queryPoint = null;
  if (!q) return;
  const controller = new AbortController();
  queryRequest = controller;
  api
    .mapPosition(q, controller.signal)
    .then((position) => {
      queryPoint = position;
      requestFrame();
    })
    .catch(() => {
      // Without a position the results are still shown; the star is left out.
    });
}

function setResults(points: number[]): void {
  results = points;
  focusedResult = -1;
  ui.results.replaceChildren(
    ...points.map((point, rank) => {
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'link';
      button.dataset.rank = String(rank);
      button.textContent = layout?.points.ids[point] ?? '';
      const id = layout?.points.ids[point];
      if (id)
        void paperOf(id).then(
          (paper) => (button.textContent = paper.title),
          () => {},
        );
      item.append(button);
      return item;
    }),
  );
  ui.results.hidden = points.length === 0;
  requestFrame();
}

function say(text: string): void {
  ui.status.textContent = text;
}

// ---- drawing ----

function requestFrame(): void {
  if (frameRequested || !shown) return;
  frameRequested = true;
  requestAnimationFrame(drawFrame);
}

/** Sizes the canvas to its box in device pixels, keeping the zoom and the centre. */
function resize(): void {
  const width = ui.canvas.clientWidth;
  const height = ui.canvas.clientHeight;
  if (!layout || width === 0 || height === 0) return;
  const ratio = window.devicePixelRatio || 1;
  ui.canvas.width = Math.round(width * ratio);
  ui.canvas.height = Math.round(height * ratio);
  const fit = fitView(layout.bounds, width, height, MARGIN);
  const zoom = view ? view.scale / fitScale : 1;
  fitScale = fit.scale;
  view = view ? { ...view, width, height, scale: fit.scale * zoom } : fit;
  requestFrame();
}

function drawFrame(): void {
  frameRequested = false;
  if (!layout || !view || ui.canvas.width === 0) return;
  const start = performance.now();
  context ??= ui.canvas.getContext('2d');
  if (!context) return;
  palette ??= paletteOf(ui.canvas);
  if (!image || image.width !== ui.canvas.width || image.height !== ui.canvas.height)
    image = context.createImageData(ui.canvas.width, ui.canvas.height);
  const ratio = ui.canvas.width / view.width;
  const zoom = view.scale / fitScale;
  const diameter = pointDiameter(layout.points.ids.length, view.width, view.height, zoom);
  const highlighting = results.length > 0 || picked >= 0;
  const drawn = drawPoints(image, view, ratio, layout.points, diameter, highlighting);
  context.setTransform(1, 0, 0, 1, 0, 0);
  context.putImageData(image, 0, 0);
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  // Labels under the marks: what the user is looking at (results, the picked paper) stays on top.
  const query = queryPoint ? queryMarkBox(context, toScreenX(view, queryPoint.x), toScreenY(view, queryPoint.y)) : null;
  const labels = drawLabels(context, layout.clusters, view, zoom, palette, query ? [query] : []);
  drawMarks(context, layout, view, diameter, palette);
  drawGesture(context, view, palette);

  const { dataset } = ui.canvas;
  dataset.drawn = String(drawn);
  dataset.zoom = zoom.toFixed(3);
  // Where the map is, for tests and tools: the world point at the centre and CSS pixels per world unit.
  dataset.view = `${view.centerX},${view.centerY},${view.scale}`;
  dataset.highlighted = String(results.length);
  dataset.liked = String(liked.length);
  dataset.labels = String(labels);
  dataset.query = queryPoint ? 'shown' : '';
  // Seen in the browser's performance panel, and by the bench (tests/benchmarks/map-page.ts).
  performance.measure('map-draw', { start });
  performance.clearMeasures('map-draw');
}

function drawMarks(context: CanvasRenderingContext2D, layout: Layout, view: Viewport, diameter: number, palette: Palette): void {
  const { xs, ys, clusters } = layout.points;
  const at = (point: number) => [toScreenX(view, xs[point] as number), toScreenY(view, ys[point] as number)] as const;
  const radius = Math.max(4, diameter / 2 + 2);

  for (const point of selection) ring(context, ...at(point), radius, palette.fg, 1.5);
  if (picked >= 0) {
    const [px, py] = at(picked);
    context.globalAlpha = 0.6;
    context.lineWidth = 1.5;
    context.strokeStyle = palette.accent;
    for (const point of similar) {
      context.beginPath();
      context.moveTo(px, py);
      context.lineTo(...at(point));
      context.stroke();
    }
    context.globalAlpha = 1;
    for (const point of similar) dot(context, ...at(point), radius, clusterCss(clusters[point] as number), palette.accent);
  }
  results.forEach((point, rank) => {
    const [x, y] = at(point);
    dot(context, x, y, radius + 1, clusterCss(clusters[point] as number), palette.fg);
    if (rank < 10) {
      context.font = '600 12px system-ui, sans-serif';
      haloText(context, String(rank + 1), x + radius + 3, y - radius, palette, 'left');
    }
  });
  for (const point of liked) diamond(context, ...at(point), radius + 2, palette.liked, palette.bg);
  if (queryPoint) queryMark(context, toScreenX(view, queryPoint.x), toScreenY(view, queryPoint.y), palette);
  if (picked >= 0) {
    dot(context, ...at(picked), radius + 1, clusterCss(clusters[picked] as number), palette.fg);
    ring(context, ...at(picked), radius + 5, palette.accent, 3);
  }
  const focused = results[focusedResult];
  if (focused !== undefined) ring(context, ...at(focused), radius + 6, palette.accent, 3);
  if (hovered >= 0) ring(context, ...at(hovered), radius + 3, palette.fg, 2);
}

/** The box or lasso being drawn. */
function drawGesture(context: CanvasRenderingContext2D, view: Viewport, palette: Palette): void {
  if (!gesture || (gesture.kind !== 'box' && gesture.kind !== 'lasso')) return;
  context.setLineDash([5, 4]);
  context.lineWidth = 1.5;
  context.strokeStyle = palette.accent;
  context.beginPath();
  if (gesture.kind === 'box') {
    context.rect(gesture.startX, gesture.startY, gesture.lastX - gesture.startX, gesture.lastY - gesture.startY);
  } else {
    for (const point of gesture.path) context.lineTo(toScreenX(view, point.x), toScreenY(view, point.y));
    context.closePath();
  }
  context.stroke();
  context.setLineDash([]);
}

// ---- moving around ----

function zoomBy(factor: number, sx?: number, sy?: number): void {
  if (!view) return;
  view = zoomAt(view, factor, sx ?? view.width / 2, sy ?? view.height / 2, fitScale);
  hideTooltip();
  requestFrame();
}

function panView(dx: number, dy: number): void {
  if (!view) return;
  view = panBy(view, dx, dy);
  requestFrame();
}

function showWhole(): void {
  if (!layout || !view) return;
  view = fitView(layout.bounds, view.width, view.height, MARGIN);
  requestFrame();
}

/** Zooms to fit some points (a cluster). */
function showPoints(points: number[]): void {
  if (!layout || !view || points.length === 0) return;
  const bounds = boundsOf(
    points.map((point) => layout?.points.xs[point] as number),
    points.map((point) => layout?.points.ys[point] as number),
  );
  const fit = fitView(bounds, view.width, view.height, MARGIN * 2);
  view = zoomAt({ ...fit, scale: view.scale }, fit.scale / view.scale, view.width / 2, view.height / 2, fitScale);
  requestFrame();
}

/** Pans a point into view when it is off the canvas (or under its edge). */
function bringIntoView(point: number): void {
  if (!layout || !view) return;
  const x = toScreenX(view, layout.points.xs[point] as number);
  const y = toScreenY(view, layout.points.ys[point] as number);
  if (x < MARGIN || y < MARGIN || x > view.width - MARGIN || y > view.height - MARGIN) panView(view.width / 2 - x, view.height / 2 - y);
}

// ---- pointing ----

function local(event: PointerEvent | WheelEvent): { x: number; y: number } {
  const box = ui.canvas.getBoundingClientRect();
  return { x: event.clientX - box.left, y: event.clientY - box.top };
}

/** The point under a screen position, or -1. */
function pointAt(x: number, y: number): number {
  if (!layout || !view) return -1;
  const world = toWorld(view, x, y);
  const diameter = pointDiameter(layout.points.ids.length, view.width, view.height, view.scale / fitScale);
  return layout.grid.nearest(world.x, world.y, (diameter / 2 + 4) / view.scale);
}

function hoverAt(x: number, y: number): void {
  const point = pointAt(x, y);
  if (point === hovered) {
    if (point >= 0) placeTooltip(x, y);
    return;
  }
  hovered = point;
  requestFrame();
  if (point < 0 || !layout) {
    hideTooltip();
    return;
  }
  const id = layout.points.ids[point] as string;
  const cluster = layout.clusters.find((c) => c.id === layout?.points.clusters[point]);
  ui.tooltip.textContent = '…';
  ui.tooltip.hidden = false;
  placeTooltip(x, y);
  paperOf(id).then(
    (paper) => {
      if (hovered !== point) return;
      ui.tooltip.textContent = paper.year ? `${paper.title} (${paper.year})` : paper.title;
      if (cluster) {
        const where = document.createElement('span');
        where.className = 'cluster';
        where.textContent = cluster.label;
        ui.tooltip.append(where);
      }
      placeTooltip(x, y);
    },
    () => {
      if (hovered === point) ui.tooltip.textContent = id;
    },
  );
}

function placeTooltip(x: number, y: number): void {
  const width = ui.tooltip.offsetWidth;
  const left = Math.max(0, Math.min(x + 14, ui.canvas.clientWidth - width));
  const top = y + 18 + ui.tooltip.offsetHeight > ui.canvas.clientHeight ? y - 12 - ui.tooltip.offsetHeight : y + 18;
  // CSSOM, which the page's style-src 'self' allows.
  ui.tooltip.style.left = `${left}px`;
  ui.tooltip.style.top = `${Math.max(0, top)}px`;
}

function hideTooltip(): void {
  ui.tooltip.hidden = true;
  if (hovered >= 0) {
    hovered = -1;
    requestFrame();
  }
}

function currentTool(): Tool {
  const checked = ui.tools.querySelector<HTMLInputElement>('input:checked');
  return (checked?.value as Tool | undefined) ?? 'pan';
}

ui.canvas.addEventListener('pointerdown', (event) => {
  if (event.pointerType === 'mouse' && event.button !== 0) return;
  ui.canvas.setPointerCapture(event.pointerId);
  const p = local(event);
  pointers.set(event.pointerId, p);
  hideTooltip();
  if (pointers.size === 2) {
    const [a, b] = [...pointers.values()] as [{ x: number; y: number }, { x: number; y: number }];
    gesture = {
      kind: 'pinch',
      startX: (a.x + b.x) / 2,
      startY: (a.y + b.y) / 2,
      lastX: (a.x + b.x) / 2,
      lastY: (a.y + b.y) / 2,
      reach: 0,
      path: [],
      pinchDistance: Math.hypot(a.x - b.x, a.y - b.y),
    };
    return;
  }
  const kind: Tool = event.shiftKey ? 'box' : event.altKey ? 'lasso' : currentTool();
  const world = view ? toWorld(view, p.x, p.y) : { x: 0, y: 0 };
  gesture = { kind, startX: p.x, startY: p.y, lastX: p.x, lastY: p.y, reach: 0, path: [world], pinchDistance: 0 };
});

ui.canvas.addEventListener('pointermove', (event) => {
  const p = local(event);
  if (!pointers.has(event.pointerId) || !gesture) {
    if (event.pointerType === 'mouse') hoverAt(p.x, p.y);
    return;
  }
  const previous = pointers.get(event.pointerId) as { x: number; y: number };
  pointers.set(event.pointerId, p);
  if (gesture.kind === 'pinch') {
    if (pointers.size < 2) return;
    const [a, b] = [...pointers.values()] as [{ x: number; y: number }, { x: number; y: number }];
    const distance = Math.hypot(a.x - b.x, a.y - b.y);
    const midX = (a.x + b.x) / 2;
    const midY = (a.y + b.y) / 2;
    panView(midX - gesture.lastX, midY - gesture.lastY);
    if (gesture.pinchDistance > 0) zoomBy(distance / gesture.pinchDistance, midX, midY);
    Object.assign(gesture, { lastX: midX, lastY: midY, pinchDistance: distance });
    return;
  }
  gesture.lastX = p.x;
  gesture.lastY = p.y;
  gesture.reach = Math.max(gesture.reach, Math.hypot(p.x - gesture.startX, p.y - gesture.startY));
  if (gesture.kind === 'pan') panView(p.x - previous.x, p.y - previous.y);
  else {
    if (gesture.kind === 'lasso' && view) gesture.path.push(toWorld(view, p.x, p.y));
    requestFrame();
  }
});

function endGesture(event: PointerEvent): void {
  if (!pointers.delete(event.pointerId)) return;
  const ended = gesture;
  gesture = null;
  if (!ended || !layout || !view) return;
  if (event.type === 'pointercancel' || ended.kind === 'pinch') {
    requestFrame();
    return;
  }
  if (ended.reach < CLICK_SLOP) {
    const point = pointAt(ended.lastX, ended.lastY);
    if (point >= 0) void openPaper(point);
    return;
  }
  if (ended.kind === 'box') {
    const from = toWorld(view, ended.startX, ended.startY);
    const to = toWorld(view, ended.lastX, ended.lastY);
    select(layout.grid.inRect(from.x, from.y, to.x, to.y), 'box');
  } else if (ended.kind === 'lasso') select(layout.grid.inPolygon(ended.path), 'lasso');
  requestFrame();
}
ui.canvas.addEventListener('pointerup', endGesture);
ui.canvas.addEventListener('pointercancel', endGesture);
ui.canvas.addEventListener('pointerleave', (event) => {
  if (event.pointerType === 'mouse' && !gesture) hideTooltip();
});

ui.canvas.addEventListener(
  'wheel',
  (event) => {
    event.preventDefault();
    const p = local(event);
    const lines = event.deltaMode === WheelEvent.DOM_DELTA_LINE ? 16 : 1;
    zoomBy(Math.exp(-event.deltaY * lines * 0.002), p.x, p.y);
  },
  { passive: false },
);

ui.canvas.addEventListener('keydown', (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const step = event.shiftKey ? KEY_PAN * 4 : KEY_PAN;
  const moves: Record<string, () => void> = {
    ArrowLeft: () => panView(step, 0),
    ArrowRight: () => panView(-step, 0),
    ArrowUp: () => panView(0, step),
    ArrowDown: () => panView(0, -step),
    '+': () => zoomBy(ZOOM_STEP),
    '=': () => zoomBy(ZOOM_STEP),
    '-': () => zoomBy(1 / ZOOM_STEP),
    _: () => zoomBy(1 / ZOOM_STEP),
    '0': showWhole,
    Escape: clearPicks,
  };
  const move = moves[event.key];
  if (!move) return;
  event.preventDefault();
  move();
});

ui.zoomIn.addEventListener('click', () => zoomBy(ZOOM_STEP));
ui.zoomOut.addEventListener('click', () => zoomBy(1 / ZOOM_STEP));
ui.reset.addEventListener('click', showWhole);

// ---- what was picked: a paper, a selection ----

function clearPicks(): void {
  selectionRequest?.abort();
  selection = [];
  ui.selection.hidden = true;
  pickRequest?.abort();
  picked = -1;
  similar = [];
  ui.paper.hidden = true;
  ui.paper.replaceChildren();
  requestFrame();
}

/** Shows a paper picked on the map with its similar papers (which the map also shows, linked to it). */
async function openPaper(point: number): Promise<void> {
  if (!layout) return;
  const id = layout.points.ids[point] as string;
  pickRequest?.abort();
  const controller = new AbortController();
  pickRequest = controller;
  picked = point;
  similar = [];
  requestFrame();
  ui.paper.hidden = false;
  ui.paper.setAttribute('aria-busy', 'true');
  try {
    const [paper, answer] = await Promise.all([paperOf(id), api.similarToPaper(id, undefined, {}, controller.signal)]);
    if (controller.signal.aborted) return;
    similar = answer.results.map((result) => layout?.index.get(result.id) ?? -1).filter((found) => found >= 0);
    ui.paper.replaceChildren(...paperCard(paper), ...similarList(answer));
    say(`Opened “${paper.title}” and ${answer.results.length} similar papers, linked to it on the map.`);
    requestFrame();
  } catch (error) {
    if (controller.signal.aborted) return;
    const failure = document.createElement('p');
    failure.className = 'notice error';
    failure.textContent = `Could not open ${id}: ${error instanceof Error ? error.message : String(error)}`;
    ui.paper.replaceChildren(failure);
  } finally {
    if (pickRequest === controller) ui.paper.setAttribute('aria-busy', 'false');
  }
}

function paperCard(paper: api.Paper): HTMLElement[] {
  const title = document.createElement('h3');
  title.className = 'title';
  title.textContent = paper.title;
  const abstract = document.createElement('p');
  abstract.className = 'map-abstract';
  abstract.textContent = paper.abstract;
  const actions = document.createElement('p');
  actions.className = 'actions';
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'link';
  close.textContent = 'Close';
  close.addEventListener('click', clearPicks);
  actions.append(...citeControls(paper), ...markButtons(paper), close);
  const meta = metaLine(paper);
  return [title, ...(meta ? [meta] : []), abstract, actions];
}

function similarList(answer: api.SearchAnswer): HTMLElement[] {
  const heading = document.createElement('h4');
  heading.textContent = 'Similar papers';
  const list = document.createElement('ol');
  list.className = 'results';
  list.append(...resultItems(answer.results, answer.mode, false, {}, 'h5'));
  return [heading, list];
}

/** Lists the papers inside a box or lasso, the first ones by title. */
function select(points: number[], shape: 'box' | 'lasso'): void {
  if (!layout) return;
  selection = points;
  selectionRequest?.abort();
  const controller = new AbortController();
  selectionRequest = controller;
  const count = `${points.length.toLocaleString('en')} ${points.length === 1 ? 'paper' : 'papers'}`;
  ui.selectionTitle.textContent = `${count} in the ${shape}${points.length > SELECTION_LISTED ? `, the first ${SELECTION_LISTED} listed` : ''}`;
  const listed = points.slice(0, SELECTION_LISTED);
  const buttons = listed.map((point) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'link';
    button.dataset.point = String(point);
    button.textContent = layout?.points.ids[point] ?? '';
    return button;
  });
  ui.selectionList.replaceChildren(
    ...buttons.map((button) => {
      const item = document.createElement('li');
      item.append(button);
      return item;
    }),
  );
  ui.selection.hidden = false;
  say(`${count} in the ${shape}.`);
  void titleButtons(buttons, controller.signal);
}

/** Replaces each button's id by its paper's title, a few requests at a time. */
async function titleButtons(buttons: HTMLButtonElement[], signal: AbortSignal): Promise<void> {
  for (let start = 0; start < buttons.length && !signal.aborted; start += TITLE_REQUESTS) {
    await Promise.all(
      buttons.slice(start, start + TITLE_REQUESTS).map((button) =>
        paperOf(button.textContent ?? '').then(
          (paper) => {
            button.textContent = paper.title;
          },
          () => {},
        ),
      ),
    );
  }
}

ui.selectionList.addEventListener('click', (event) => {
  const button = event.target instanceof Element ? event.target.closest<HTMLButtonElement>('button[data-point]') : null;
  if (button) void openPaper(Number(button.dataset.point));
});
ui.selectionClear.addEventListener('click', () => {
  selection = [];
  ui.selection.hidden = true;
  requestFrame();
  ui.canvas.focus();
});

// The results list: focusing an entry rings its point (brought into view), Enter or a click opens it.
ui.results.addEventListener('focusin', (event) => {
  const button = event.target instanceof HTMLButtonElement ? event.target : null;
  if (!button) return;
  focusedResult = Number(button.dataset.rank);
  const point = results[focusedResult];
  if (point !== undefined) bringIntoView(point);
  requestFrame();
});
ui.results.addEventListener('focusout', () => {
  focusedResult = -1;
  requestFrame();
});
ui.results.addEventListener('click', (event) => {
  const button = event.target instanceof Element ? event.target.closest<HTMLButtonElement>('button[data-rank]') : null;
  const point = button ? results[Number(button.dataset.rank)] : undefined;
  if (point !== undefined) void openPaper(point);
});

// ---- the clusters, as text ----

function listClusters(loaded: Layout): void {
  ui.clusterCount.textContent = String(loaded.clusters.length);
  const bySize = [...loaded.clusters].sort((a, b) => b.size - a.size);
  ui.clusterList.replaceChildren(
    ...bySize.map((cluster) => {
      const item = document.createElement('li');
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.setAttribute('aria-hidden', 'true');
      swatch.style.background = clusterCss(cluster.id);
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'link';
      button.dataset.cluster = String(cluster.id);
      button.textContent = cluster.label;
      button.setAttribute('aria-label', `Show the cluster “${cluster.label}” on the map`);
      const about = document.createElement('span');
      about.className = 'hint';
      about.textContent = ` ${cluster.size.toLocaleString('en')} papers · ${cluster.terms.join(', ')}`;
      item.append(swatch, button, about);
      return item;
    }),
  );
}

ui.clusterList.addEventListener('click', (event) => {
  const button = event.target instanceof Element ? event.target.closest<HTMLButtonElement>('button[data-cluster]') : null;
  if (!button || !layout) return;
  const cluster = Number(button.dataset.cluster);
  const { clusters } = layout.points;
  const members: number[] = [];
  for (let point = 0; point < clusters.length; point++) if (clusters[point] === cluster) members.push(point);
  showPoints(members);
  ui.canvas.focus();
});

// ---- marks, size, colours ----

function likedPoints(): number[] {
  const found = loadMarks().liked.map((paper) => layout?.index.get(paper.id) ?? -1);
  return found.filter((point) => point >= 0);
}

onMarksChange(() => {
  liked = likedPoints();
  requestFrame();
});

new ResizeObserver(() => resize()).observe(ui.canvas);
matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
  palette = null;
  requestFrame();
});
