import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createApp } from '../../src/server/app.js';
import { seedEngine } from '../support/seed-engine.js';

interface LintReport {
  totals: { errors: number; warnings: number };
  problems: Array<{ ruleId: string; severity: string; message: string; location: Array<{ pointer: string }> }>;
}

const dir = mkdtempSync(join(tmpdir(), 'paper-search-openapi-lint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("the app's /openapi.json passes Redocly's recommended rules without an error or a warning", async () => {
  const response = await createApp(await seedEngine()).request('/openapi.json');
  expect(response.status).toBe(200);
  const file = join(dir, 'openapi.json');
  writeFileSync(file, await response.text());

  // No telemetry and no update check: the linter runs offline like everything else here.
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };
  const run = spawnSync(resolve('node_modules/.bin/redocly'), ['lint', '--extends=recommended', '--format=json', file], {
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  const report = JSON.parse(run.stdout) as LintReport;
  const problems = report.problems.map(
    (problem) => `${problem.severity} ${problem.ruleId} at ${problem.location[0]?.pointer}: ${problem.message}`,
  );
  expect(problems).toEqual([]);
  expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  expect(run.status, run.stderr).toBe(0);
});
