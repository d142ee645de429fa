import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Settings variables the CLI reads; a test pins the ones that matter and clears the rest. */
const SETTING_VARIABLES = ['HOST', 'PORT', 'INDEX_DIR', 'MODELS_DIR', 'MODEL', 'PRECISION', 'THREADS', 'ACCESS_TOKEN', 'DEBUG'];

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `paper-search <args>` as a person would from the project folder, with a clean environment plus `env`. */
export function paperSearch(args: string[], env: NodeJS.ProcessEnv = {}, input?: string): Run {
  const clean: NodeJS.ProcessEnv = { ...process.env };
  for (const name of SETTING_VARIABLES) delete clean[name];
  const run = spawnSync(process.execPath, ['.build/cli/paper-search.js', ...args], {
    cwd: ROOT,
    env: { ...clean, MODELS_DIR: resolve(ROOT, 'models'), ...env },
    input,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (run.error) throw run.error;
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}
