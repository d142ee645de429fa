import { loadSettings, settingFlags } from '../config/index.js';
import { parseCommandLine, runMain } from './main.js';
import { runBuild } from './build-runner.js';

const USAGE = 'npm run build-index -- [--input <file|folder>]... [--out <folder>] [--model <name>] [--precision fp32|int8]';

runMain(async () => {
  const { values } = parseCommandLine({ ...settingFlags(), input: { type: 'string', multiple: true }, out: { type: 'string' } }, USAGE);
  const { input, out, ...flags } = values as Record<string, string> & { input?: string[]; out?: string };
  const settings = loadSettings(out === undefined ? flags : { ...flags, index: out });
  await runBuild(settings, input ?? ['seeds']);
});
