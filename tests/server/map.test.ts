import { beforeAll, describe, expect, it } from 'vitest';
import { MapPositionSchema, MapSchema, type WireMap } from '../../src/contract/schemas.js';
import type { SearchEngine } from '../../src/search/index.js';
import { createApp } from '../../src/server/app.js';
import { seedEngine, seedIndex } from '../support/seed-engine.js';

let engine: SearchEngine;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  engine = await seedEngine();
  app = createApp(engine);
});

async function getMap(): Promise<WireMap> {
  const response = await app.request('/api/map');
  expect(response.status).toBe(200);
  return MapSchema.parse(await response.json());
}

describe('GET /api/map', () => {
  it('places every paper of the seed index exactly once, at finite coordinates inside the map', async () => {
    const map = await getMap();
    const ids = seedIndex()
      .allPapers()
      .map((paper) => paper.id);
    expect([...map.points.ids].sort()).toEqual([...ids].sort());
    expect(new Set(map.points.ids).size).toBe(ids.length);
    for (const axis of [map.points.x, map.points.y]) {
      expect(axis).toHaveLength(ids.length);
      for (const value of axis) {
        expect(Number.isFinite(value)).toBe(true);
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(1);
      }
    }
    expect(map.generation).toBe(seedIndex().generation);
  });

  it('has named regions whose sizes add up to the papers, and every point in one of them', async () => {
    const map = await getMap();
    expect(map.clusters.length).toBeGreaterThan(1);
    expect(map.clusters.reduce((sum, cluster) => sum + cluster.size, 0)).toBe(map.points.ids.length);
    const ids = new Set(map.clusters.map((cluster) => cluster.id));
    for (const cluster of map.points.cluster) expect(ids.has(cluster)).toBe(true);
    for (const cluster of map.clusters) {
      expect(cluster.terms.length).toBeGreaterThan(0);
      expect(cluster.label).toContain(cluster.terms[0]);
      expect(map.points.cluster.filter((c) => c === cluster.id)).toHaveLength(cluster.size);
    }
  });

  it('puts the papers on a topic together: the imitation-learning papers share a region more than chance would', async () => {
    const map = await getMap();
    const papers = seedIndex().allPapers();
    const imitation = new Set(papers.filter((paper) => /imitation learning/i.test(paper.title)).map((paper) => paper.id));
    expect(imitation.size).toBeGreaterThan(3);
    const regions = map.points.ids.flatMap((id, i) => (imitation.has(id) ? [map.points.cluster[i]!] : []));
    const commonest = Math.max(...regions.map((region) => regions.filter((r) => r === region).length));
    // With the regions' sizes, a random region would hold about 1 / (number of regions) of them.
    expect(commonest / regions.length).toBeGreaterThan(2 / map.clusters.length);
  });
});

describe('GET /api/map/position', () => {
  it('places a query beside the papers it finds, inside the map', async () => {
    const response = await app.request(`/api/map/position?q=${encodeURIComponent('imitation learning from demonstrations')}`);
    expect(response.status).toBe(200);
    const position = MapPositionSchema.parse(await response.json());
    expect(position.query).toBe('imitation learning from demonstrations');
    expect(position.x).toBeGreaterThanOrEqual(0);
    expect(position.x).toBeLessThanOrEqual(1);
    expect(position.y).toBeGreaterThanOrEqual(0);
    expect(position.y).toBeLessThanOrEqual(1);
    const map = await getMap();
    const top = await engine.search('imitation learning from demonstrations', { k: 1, mode: 'dense' });
    const i = map.points.ids.indexOf(top.hits[0]!.paper.id);
    // Nearer to its best paper than the map's typical distance between two points (about half its width).
    expect(Math.hypot(map.points.x[i]! - position.x, map.points.y[i]! - position.y)).toBeLessThan(0.25);
  });

  it('refuses a missing query with a 400 naming q', async () => {
    const response = await app.request('/api/map/position');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain('q');
  });

  it('is in the OpenAPI document with both routes', async () => {
    const document = (await (await app.request('/openapi.json')).json()) as { paths: Record<string, { get?: { operationId: string } }> };
    expect(document.paths['/api/map']?.get?.operationId).toBe('getMap');
    expect(document.paths['/api/map/position']?.get?.operationId).toBe('getMapPosition');
  });
});
