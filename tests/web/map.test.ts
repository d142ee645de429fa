import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WireAnswer, WireMap, WireMapPosition } from '../../src/contract/schemas.js';
import { seedEngine, seedIndex } from '../support/seed-engine.js';
import {
  apiAnswer,
  launchChromium,
  screenshotPath,
  search,
  searchParams,
  settled,
  startServer,
  type Browser,
  type RunningServer,
  type Watched,
  watchedPage,
} from './browser.js';

const QUESTION = 'robot imitation from video';

let server: RunningServer;
let browser: Browser;
let map: WireMap;
let current: Watched | undefined;

beforeAll(async () => {
  server = await startServer(await seedEngine());
  browser = await launchChromium();
  const response = await fetch(`${server.url}/api/map`);
  map = (await response.json()) as WireMap;
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

afterEach(async () => {
  const watched = current;
  current = undefined;
  if (!watched) return;
  await watched.page.close();
  expect(watched.errors).toEqual([]);
  expect(watched.dialogs).toEqual([]);
});

const canvas = (page: Page) => page.locator('#map-canvas');

/** Opens the page and waits for the map's first frame. */
async function openMap(path = '/?view=map', viewport = { width: 1280, height: 800 }): Promise<Page> {
  current = await watchedPage(browser.context);
  const { page } = current;
  await page.setViewportSize(viewport);
  await page.goto(server.url + path);
  await settled(page);
  await page.waitForFunction(() => Number(document.getElementById('map-canvas')?.dataset.drawn) > 0);
  return page;
}

/** Where the map is drawn: the canvas's drawing area in page coordinates and the view the canvas reports. */
async function frameOf(page: Page) {
  const [centerX, centerY, scale] = ((await canvas(page).getAttribute('data-view')) ?? '').split(',').map(Number) as [
    number,
    number,
    number,
  ];
  const box = await canvas(page).boundingBox();
  if (!box) throw new Error('the canvas is not laid out');
  // The canvas has a 1 px border; its drawing area is inside it.
  return { left: box.x + 1, top: box.y + 1, width: box.width - 2, height: box.height - 2, centerX, centerY, scale };
}

/** Where a paper of the map is drawn, in page coordinates. */
function screenOf(frame: Awaited<ReturnType<typeof frameOf>>, id: string): { x: number; y: number } {
  const point = map.points.ids.indexOf(id);
  if (point < 0) throw new Error(`${id} is not on the map`);
  return {
    x: frame.left + (map.points.x[point]! - frame.centerX) * frame.scale + frame.width / 2,
    y: frame.top + (map.points.y[point]! - frame.centerY) * frame.scale + frame.height / 2,
  };
}

/** The paper of the map farthest from any other (so a pointer on it hits it alone). */
function loneliestPaper(): string {
  const { ids, x, y } = map.points;
  let best = 0;
  let bestGap = -1;
  for (let i = 0; i < ids.length; i++) {
    let gap = Number.POSITIVE_INFINITY;
    for (let j = 0; j < ids.length; j++) if (i !== j) gap = Math.min(gap, Math.hypot(x[i]! - x[j]!, y[i]! - y[j]!));
    if (gap > bestGap) [best, bestGap] = [i, gap];
  }
  return ids[best]!;
}

async function title(id: string): Promise<string> {
  const response = await fetch(`${server.url}/api/papers/${encodeURIComponent(id)}`);
  return ((await response.json()) as { title: string }).title;
}

describe('the map view', () => {
  it('draws every paper of the seed index, coloured by cluster, with the clusters as text', async () => {
    const page = await openMap();
    const papers = seedIndex().manifest.paperCount;
    expect(map.points.ids).toHaveLength(papers);
    expect(Number(await canvas(page).getAttribute('data-points'))).toBe(papers);
    // The whole map fits at first: every point is drawn.
    expect(Number(await canvas(page).getAttribute('data-drawn'))).toBe(papers);
    expect(await canvas(page).getAttribute('aria-label')).toContain(`${papers} papers`);
    expect(await page.locator('#map-cluster-list li').count()).toBe(map.clusters.length);
    expect(await page.locator('#map-cluster-count').textContent()).toBe(String(map.clusters.length));
    expect(Number(await canvas(page).getAttribute('data-labels'))).toBeGreaterThan(0);
    // The canvas holds coloured pixels: sampled, more than one colour is there.
    const colours = await page.evaluate(() => {
      const element = document.getElementById('map-canvas') as HTMLCanvasElement;
      const data = element.getContext('2d')?.getImageData(0, 0, element.width, element.height).data ?? new Uint8ClampedArray();
      const seen = new Set<string>();
      for (let i = 0; i < data.length; i += 4 * 7) if (data[i + 3] === 255) seen.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
      return seen.size;
    });
    expect(colours).toBeGreaterThan(3);
    await page.screenshot({ path: screenshotPath('map-desktop') });
    // In dark colours the map redraws with the page's dark palette.
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForTimeout(100);
    await page.screenshot({ path: screenshotPath('map-desktop-dark') });
  });

  it('is reached from the List | Map toggle, which the URL follows both ways, keeping the question', async () => {
    current = await watchedPage(browser.context);
    const { page } = current;
    await page.goto(`${server.url}/`);
    await search(page, QUESTION);
    expect(await page.locator('#map-view').isHidden()).toBe(true);
    await page.locator('#display-map').click();
    await page.waitForFunction(() => Number(document.getElementById('map-canvas')?.dataset.highlighted) > 0);
    expect(searchParams(page)).toMatchObject({ view: 'map', q: QUESTION });
    expect(await page.locator('#display-map').getAttribute('aria-current')).toBe('page');
    expect(await page.locator('#results').isHidden()).toBe(true);
    await page.locator('#display-list').click();
    await page.waitForURL((url) => url.searchParams.get('view') === null);
    expect(searchParams(page)).toMatchObject({ q: QUESTION });
    expect(await page.locator('#results').isVisible()).toBe(true);
    expect(await page.locator('#map-view').isHidden()).toBe(true);
    await page.goBack();
    await page.waitForFunction(() => !document.getElementById('map-view')?.hidden);
    expect(searchParams(page)).toMatchObject({ view: 'map', q: QUESTION });
  });

  it('shows a paper’s title on hover and opens it with its similar papers on click', async () => {
    const page = await openMap();
    const id = loneliestPaper();
    const at = screenOf(await frameOf(page), id);
    await page.mouse.move(at.x, at.y);
    const expected = await title(id);
    await page.waitForFunction((text) => document.getElementById('map-tooltip')?.textContent?.startsWith(text), expected);
    expect(await page.locator('#map-tooltip').isVisible()).toBe(true);

    await page.mouse.click(at.x, at.y);
    await page.waitForFunction(() => document.getElementById('map-paper')?.getAttribute('aria-busy') === 'false');
    expect(await page.locator('#map-paper h3').textContent()).toBe(expected);
    const similar = await apiAnswer(server, `/api/papers/${encodeURIComponent(id)}/similar`);
    expect(await page.locator('#map-paper ol.results .title').allTextContents()).toEqual(similar.results.map((r) => r.title));
    await page.screenshot({ path: screenshotPath('map-paper') });
  });

  it('lights up a search’s results and the query’s own place', async () => {
    const page = await openMap(`/?view=map&${new URLSearchParams({ q: QUESTION })}`);
    const answer: WireAnswer = await apiAnswer(server, `/api/search?${new URLSearchParams({ q: QUESTION })}`);
    await page.waitForFunction(
      (count) => Number(document.getElementById('map-canvas')?.dataset.highlighted) === count,
      answer.results.length,
    );
    await page.waitForFunction(() => document.getElementById('map-canvas')?.dataset.query === 'shown');
    expect(await page.locator('#map-results li').count()).toBe(answer.results.length);
    await page.waitForFunction(
      (first) => document.querySelector('#map-results li button')?.textContent === first,
      answer.results[0]!.title,
    );
    expect(await page.locator('#map-status').textContent()).toContain(
      `${answer.results.length} of ${answer.results.length} results on the map`,
    );
    // The query's star lands where the API puts it.
    const position = (await (
      await fetch(`${server.url}/api/map/position?${new URLSearchParams({ q: QUESTION })}`)
    ).json()) as WireMapPosition;
    expect(position.x).toBeGreaterThanOrEqual(0);
    await page.screenshot({ path: screenshotPath('map-search') });
    // The README's picture (docs/map.png is a copy of it): the map with a search on it.
    await page.locator('#map-view').screenshot({ path: screenshotPath('map-readme') });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(200);
    await page.screenshot({ path: screenshotPath('map-narrow'), fullPage: true });
  });

  it('marks liked papers', async () => {
    const page = await openMap();
    const [first, second] = map.points.ids;
    await page.evaluate(
      ([a, b]) =>
        localStorage.setItem(
          'paper-search.marks',
          JSON.stringify({
            liked: [
              { id: a, title: a },
              { id: b, title: b },
            ],
            disliked: [],
          }),
        ),
      [first!, second!],
    );
    await page.reload();
    await page.waitForFunction(() => document.getElementById('map-canvas')?.dataset.liked === '2');
    await page.evaluate(() => localStorage.removeItem('paper-search.marks'));
  });

  it('lists the papers inside a box drawn with Shift+drag', async () => {
    const page = await openMap();
    const box = (await canvas(page).boundingBox())!;
    await page.keyboard.down('Shift');
    await page.mouse.move(box.x + 2, box.y + 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 5 });
    await page.mouse.move(box.x + box.width - 2, box.y + box.height - 2, { steps: 5 });
    await page.mouse.up();
    await page.keyboard.up('Shift');
    const papers = seedIndex().manifest.paperCount;
    await page.waitForFunction(() => !document.getElementById('map-selection')?.hidden);
    expect(await page.locator('#map-selection-title').textContent()).toBe(`${papers} papers in the box, the first 50 listed`);
    expect(await page.locator('#map-selection-list li').count()).toBe(50);
    // The list's titles come on demand; a click opens the paper.
    const firstId = map.points.ids[0]!;
    await page.waitForFunction((text) => document.querySelector('#map-selection-list button')?.textContent === text, await title(firstId));
    await page.locator('#map-selection-list button').first().click();
    await page.waitForFunction(() => document.getElementById('map-paper')?.getAttribute('aria-busy') === 'false');
    expect(await page.locator('#map-paper h3').textContent()).toBe(await title(firstId));
  });

  it('lists the papers inside a lasso drawn with Alt+drag, as the API’s coordinates put them inside', async () => {
    const page = await openMap();
    const box = (await canvas(page).boundingBox())!;
    // A triangle over the left half of the map: top-left corner, bottom-left corner, middle of the top edge.
    const corners = [
      { x: box.x + 4, y: box.y + 4 },
      { x: box.x + 4, y: box.y + box.height - 4 },
      { x: box.x + box.width / 2, y: box.y + 4 },
    ];
    await page.keyboard.down('Alt');
    await page.mouse.move(corners[0]!.x, corners[0]!.y);
    await page.mouse.down();
    for (const corner of [...corners.slice(1), corners[0]!]) await page.mouse.move(corner.x, corner.y, { steps: 8 });
    await page.mouse.up();
    await page.keyboard.up('Alt');
    await page.waitForFunction(() => !document.getElementById('map-selection')?.hidden);
    // Which papers lie inside, from where the page says each one is drawn.
    let inside = 0;
    for (const id of map.points.ids) {
      const at = screenOf(await frameOf(page), id);
      const [a, b, c] = corners as [{ x: number; y: number }, { x: number; y: number }, { x: number; y: number }];
      const side = (p: { x: number; y: number }, q: { x: number; y: number }) => (q.x - p.x) * (at.y - p.y) - (q.y - p.y) * (at.x - p.x);
      const [s1, s2, s3] = [side(a, b), side(b, c), side(c, a)];
      if ((s1 >= 0 && s2 >= 0 && s3 >= 0) || (s1 <= 0 && s2 <= 0 && s3 <= 0)) inside++;
    }
    expect(inside).toBeGreaterThan(0);
    const said = Number((await page.locator('#map-selection-title').textContent())?.match(/^(\d+) papers? in the lasso/)?.[1]);
    // The lasso is a polyline through the mouse's steps: a point within a pixel of an edge may fall either way.
    expect(Math.abs(said - inside)).toBeLessThanOrEqual(2);
  });

  it('zooms with a two-finger pinch', async () => {
    const page = await openMap();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 2 });
    const box = (await canvas(page).boundingBox())!;
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    const fingers = (apart: number) => [
      { x: x - apart, y, id: 0 },
      { x: x + apart, y, id: 1 },
    ];
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: fingers(40) });
    for (const apart of [50, 60, 70, 80]) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: fingers(apart) });
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    // Fingers twice as far apart: twice the zoom, about the point between them.
    await page.waitForFunction(() => Math.abs(Number(document.getElementById('map-canvas')?.dataset.zoom) - 2) < 0.05);
    await cdp.detach();
  });

  it('works with the keyboard: arrows pan, + and − zoom, Tab and Enter step through the results', async () => {
    const page = await openMap(`/?view=map&${new URLSearchParams({ q: QUESTION })}`);
    await page.waitForFunction(() => Number(document.getElementById('map-canvas')?.dataset.highlighted) > 0);
    await canvas(page).focus();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('map-canvas');
    const view = () => canvas(page).getAttribute('data-view');
    const before = await view();
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction((old) => document.getElementById('map-canvas')?.dataset.view !== old, before);
    await page.keyboard.press('+');
    await page.waitForFunction(() => document.getElementById('map-canvas')?.dataset.zoom === '1.500');
    await page.keyboard.press('-');
    await page.waitForFunction(() => document.getElementById('map-canvas')?.dataset.zoom === '1.000');
    await page.keyboard.press('0');

    // From the canvas, Tab reaches the results; focusing one rings its point, Enter opens it.
    const answer = await apiAnswer(server, `/api/search?${new URLSearchParams({ q: QUESTION })}`);
    await page.locator('#map-results button').first().focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(answer.results[1]!.title);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.getElementById('map-paper')?.getAttribute('aria-busy') === 'false');
    expect(await page.locator('#map-paper h3').textContent()).toBe(answer.results[1]!.title);

    // A cluster of the text alternative zooms the map to it.
    await page.locator('#map-clusters summary').click();
    await page.locator('#map-cluster-list button').first().focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => Number(document.getElementById('map-canvas')?.dataset.zoom) > 1);
  });
});
