/**
 * The Map view's frame rate in Chromium while panning a 100k-paper map:
 * `npm run bench:map-page [-- --papers 100000 --seconds 5]`.
 *
 * A real 100k-paper index would need 100k embeddings and a UMAP layout (what `bench:map` measures); the
 * page only needs `/api/map`, so a tiny Hono app serves the real page and assets (`mountWeb`, as built by
 * `npm run build`) beside a synthetic `/api/map` answer: papers scattered in Gaussian clusters of uneven
 * sizes, coordinates in [0, 1] at 4 decimals as the real route sends them. Chromium (headless, software
 * rendering, 1280×800) opens `/?view=map`; the bench presses the mouse on the map and drags it for a few
 * seconds, one pointer move per animation frame through the page's own handlers, and the page reports
 * each drawn frame (the `map-draw` performance measure) with its requestAnimationFrame time.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { parseArgs } from 'node:util';
import type { WireMap } from '../../src/contract/schemas.js';
import { seededRandom } from '../../src/index/map/layout.js';
import { mountWeb } from '../../src/web/index.js';
import { launchChromium } from '../web/browser.js';
import { median, percentile, round } from './stats.js';

const { values } = parseArgs({
  options: {
    papers: { type: 'string', default: '100000' },
    clusters: { type: 'string', default: '60' },
    seconds: { type: 'string', default: '5' },
  },
});
const PAPERS = Number(values.papers);
const CLUSTERS = Number(values.clusters);
const SECONDS = Number(values.seconds);

/** A map like the build's: clusters of uneven sizes (Zipf-like), Gaussian around their centres, in [0, 1]². */
function syntheticMap(papers: number, clusters: number): WireMap {
  const next = seededRandom(42);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  const weights = Array.from({ length: clusters }, (_, k) => 1 / (k + 1));
  const total = weights.reduce((sum, w) => sum + w, 0);
  const centres = weights.map(() => ({ x: 0.1 + 0.8 * next(), y: 0.1 + 0.8 * next(), spread: 0.02 + 0.05 * next() }));
  const points: WireMap['points'] = { ids: [], x: [], y: [], cluster: [] };
  const sums = centres.map(() => ({ x: 0, y: 0, size: 0 }));
  const clamp = (value: number) => Math.round(Math.min(1, Math.max(0, value)) * 10_000) / 10_000;
  for (let i = 0; i < papers; i++) {
    let pick = next() * total;
    let cluster = 0;
    while (pick > weights[cluster]! && cluster < clusters - 1) pick -= weights[cluster++]!;
    const centre = centres[cluster]!;
    const x = clamp(centre.x + centre.spread * gaussian());
    const y = clamp(centre.y + centre.spread * gaussian());
    points.ids.push(`synthetic-${i}`);
    points.x.push(x);
    points.y.push(y);
    points.cluster.push(cluster);
    const sum = sums[cluster]!;
    sum.x += x;
    sum.y += y;
    sum.size++;
  }
  const words = ['robot', 'policy', 'vision', 'language', 'graph', 'reward', 'diffusion', 'protein', 'retrieval', 'agents', 'control'];
  return {
    generation: 1,
    points,
    clusters: sums
      .map((sum, id) => {
        const terms = [words[id % words.length]!, words[(id * 7 + 3) % words.length]!, `topic${id}`];
        return { id, label: terms.join(' · '), terms, size: sum.size, x: clamp(sum.x / sum.size), y: clamp(sum.y / sum.size) };
      })
      .filter((cluster) => cluster.size > 0)
      .sort((a, b) => b.size - a.size),
  };
}

interface Frame {
  /** requestAnimationFrame time of the frame that drew. */
  at: number;
  /** How long the map's draw took (the `map-draw` measure). */
  drawMs: number;
}

/**
 * The approach the page does not take, timed on the same canvas size: one fillRect of 2×2 pixels per
 * point at whole pixels, batched by colour (one fillStyle per cluster), median of 20 frames.
 */
async function fillRectBaseline(page: import('playwright-core').Page, map: WireMap, width: number, height: number): Promise<number> {
  return page.evaluate(
    ({ points, width, height }) => {
      const canvas = document.createElement('canvas');
      canvas.width = width;
      canvas.height = height;
      const context = canvas.getContext('2d') as CanvasRenderingContext2D;
      const byCluster = new Map<number, number[]>();
      points.cluster.forEach((cluster, i) => {
        const list = byCluster.get(cluster) ?? [];
        list.push(i);
        byCluster.set(cluster, list);
      });
      const times: number[] = [];
      for (let frame = 0; frame < 20; frame++) {
        const start = performance.now();
        context.clearRect(0, 0, width, height);
        for (const [cluster, list] of byCluster) {
          context.fillStyle = `hsl(${(cluster * 47) % 360} 60% 50%)`;
          for (const i of list)
            context.fillRect(Math.round(points.x[i]! * (height - 40)) + 20 + frame, Math.round(points.y[i]! * (height - 40)) + 20, 2, 2);
        }
        // Reading one pixel makes the canvas finish the frame's drawing before the clock stops.
        context.getImageData(0, 0, 1, 1);
        times.push(performance.now() - start);
      }
      times.sort((a, b) => a - b);
      return Math.round((times[10] as number) * 10) / 10;
    },
    { points: map.points, width, height },
  );
}

async function main(): Promise<void> {
  const map = syntheticMap(PAPERS, CLUSTERS);
  const body = JSON.stringify(map);
  const app = new Hono();
  app.get('/api/map', (c) => c.body(body, 200, { 'content-type': 'application/json' }));
  mountWeb(app, { papers: PAPERS, model: 'synthetic map', queryChars: 1000, passageChars: 20000 });
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((ready) => server.once('listening', ready));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    const opened = performance.now();
    await page.goto(`${url}/?view=map`);
    await page.waitForFunction(() => Number(document.getElementById('map-canvas')?.dataset.drawn) > 0, undefined, { timeout: 60_000 });
    const firstFrameMs = performance.now() - opened;
    const drawnAtFit = Number(await page.locator('#map-canvas').getAttribute('data-drawn'));

    // Every drawn frame, from here on, with the rAF time it was drawn in.
    await page.evaluate(() => {
      const frames: Array<{ at: number; drawMs: number }> = [];
      (window as unknown as { mapFrames: typeof frames }).mapFrames = frames;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntriesByName('map-draw')) frames.push({ at: entry.startTime, drawMs: entry.duration });
      }).observe({ type: 'measure' });
    });

    const box = await page.locator('#map-canvas').boundingBox();
    if (!box) throw new Error('the map canvas is not laid out');
    await page.evaluate(() => {
      const canvas = document.getElementById('map-canvas') as HTMLCanvasElement;
      canvas.addEventListener('pointerdown', (event) => canvas.setAttribute('data-bench-pointer', String(event.pointerId)), { once: true });
    });
    // A real press (CDP input) starts the drag; then the page moves that pointer once per animation
    // frame, faster than CDP can send moves (one round trip each, about 30 a second here), so the
    // frame rate is the page's, not the input's. The moves go through the page's own pointer handlers.
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    const moves = await page.evaluate((seconds) => {
      const canvas = document.getElementById('map-canvas') as HTMLCanvasElement;
      const pointerId = Number(canvas.dataset.benchPointer);
      const box = canvas.getBoundingClientRect();
      return new Promise<number>((done) => {
        const start = performance.now();
        let step = 0;
        const tick = (now: number) => {
          if (now - start > seconds * 1000) return done(step);
          // A slow circle of 150 px radius: every move pans the map, most of it stays in view.
          const angle = step++ * 0.05;
          const clientX = box.left + box.width / 2 + 150 * Math.cos(angle) - 150;
          const clientY = box.top + box.height / 2 + 150 * Math.sin(angle);
          canvas.dispatchEvent(
            new PointerEvent('pointermove', { pointerId, pointerType: 'mouse', clientX, clientY, buttons: 1, bubbles: true }),
          );
          requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      });
    }, SECONDS);
    await page.mouse.up();
    const fillRectMs = await fillRectBaseline(
      page,
      map,
      Number(await page.locator('#map-canvas').getAttribute('width')),
      Number(await page.locator('#map-canvas').getAttribute('height')),
    );
    const frames = (await page.evaluate(() => (window as unknown as { mapFrames: Frame[] }).mapFrames)) as Frame[];
    const span = ((frames.at(-1)?.at ?? 0) - (frames[0]?.at ?? 0)) / 1000;
    const intervals = frames.slice(1).map((frame, k) => frame.at - frames[k]!.at);
    const draws = frames.map((frame) => frame.drawMs);
    const drawnWhilePanning = Number(await page.locator('#map-canvas').getAttribute('data-drawn'));
    const result = {
      papers: PAPERS,
      clusters: CLUSTERS,
      mapJsonMegabytes: round(body.length / 1e6),
      firstFrameMs: Math.round(firstFrameMs),
      drawnAtFit,
      drawnInLastFrame: drawnWhilePanning,
      pointerMoves: moves,
      frames: frames.length,
      framesPerSecond: round((frames.length - 1) / span, 1),
      medianFrameMs: round(median(intervals), 1),
      p95FrameMs: round(percentile(intervals, 95), 1),
      medianDrawMs: round(median(draws), 1),
      p95DrawMs: round(percentile(draws, 95), 1),
      fillRectMedianMs: fillRectMs,
    };
    console.log(JSON.stringify(result, null, 2));
    console.log(
      `${PAPERS.toLocaleString('en')} points, panning ${SECONDS} s in Chromium: ${result.framesPerSecond} frames/s (target ≥ 30), ` +
        `median frame ${result.medianFrameMs} ms (p95 ${result.p95FrameMs}), median draw ${result.medianDrawMs} ms (p95 ${result.p95DrawMs}); ` +
        `/api/map ${result.mapJsonMegabytes} MB, first frame after ${result.firstFrameMs} ms. ` +
        `The alternative, fillRect per point batched by colour: ${fillRectMs} ms a frame.`,
    );
  } finally {
    await browser.close();
    await new Promise((closed) => server.close(closed));
  }
}

await main();
