import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { MapSchema } from '../../src/contract/schemas.js';
import { paperSearch } from '../support/cli.js';

describe('paper-search map', () => {
  it('prints the regions of the seed library as a table of contents, largest first', () => {
    const run = paperSearch(['map'], { INDEX_DIR: inject('seedIndexDir') });
    expect(run.code, run.stderr).toBe(0);
    const [heading, , ...rows] = run.stdout.trimEnd().split('\n');
    expect(heading).toMatch(/^237 papers in \d+ regions \(generation \d+\), largest first:$/);
    const sizes = rows.map((row) => Number(/^\s+(\d+)\s{2}\S/.exec(row)?.[1]));
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(237);
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    for (const row of rows) expect(row).toMatch(/^\s+\d+ {2}\S+( · \S+)*/);
  });

  it('--json prints the same map the API answers', () => {
    const run = paperSearch(['map', '--json'], { INDEX_DIR: inject('seedIndexDir') });
    expect(run.code, run.stderr).toBe(0);
    const map = MapSchema.parse(JSON.parse(run.stdout));
    expect(map.points.ids).toHaveLength(237);
  });

  it('says in one line where there is no index', () => {
    const empty = mkdtempSync(join(tmpdir(), 'paper-search-map-none-'));
    const run = paperSearch(['map', '--index', empty]);
    expect(run.code).not.toBe(0);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^error: no index in .*manifest\.json missing/);
  });
});
