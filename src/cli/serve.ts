import { serve } from '@hono/node-server';
import { resolve } from 'node:path';
import { checkExposure, loadSettings, settingFlags, type Settings } from '../config/index.js';
import { currentCorpusHash, loadIndex, readManifest } from '../index/index.js';
import type { Embedder } from '../model/index.js';
import { SearchEngine } from '../search/index.js';
import { createApp } from '../server/index.js';
import { loadEmbedder, runBuild } from './build-runner.js';
import { parseCommandLine, runMain } from './main.js';

const USAGE = 'npm start -- [--host <addr>] [--port <n>] [--index <folder>] [--model <name>] [--precision fp32|int8]';
const DEFAULT_INDEX = resolve('index');
const SEED_INPUTS = ['seeds'];

/** The default seed index is (re)built when missing or stale; any other index is served as it is. */
async function ensureSeedIndex(settings: Settings, embedder: Embedder): Promise<void> {
  if (settings.indexDir !== DEFAULT_INDEX) return;
  let reason: string | undefined;
  try {
    const manifest = readManifest(settings.indexDir);
    if (manifest.model.checksum !== embedder.info.checksum) reason = `it was built with another model (${manifest.model.name}, ${manifest.model.precision})`;
    else if (manifest.corpusHash !== (await currentCorpusHash(SEED_INPUTS))) reason = 'the seed corpus changed';
  } catch {
    reason = 'there is no usable index yet';
  }
  if (reason) {
    process.stderr.write(`Building the seed index because ${reason}.\n`);
    await runBuild(settings, SEED_INPUTS, embedder);
  }
}

runMain(async () => {
  const started = performance.now();
  const { values } = parseCommandLine(settingFlags(), USAGE);
  const settings = loadSettings(values as Record<string, string>);
  checkExposure(settings);
  const embedder = await loadEmbedder(settings);
  await ensureSeedIndex(settings, embedder);
  const engine = new SearchEngine(loadIndex(settings.indexDir), embedder);
  const app = createApp(engine, { accessToken: settings.accessToken, corsOrigins: settings.corsOrigins });

  const server = serve({ fetch: app.fetch, hostname: settings.host, port: settings.port }, (info) => {
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    process.stderr.write(`paper-search: ${engine.index.size} papers, ${embedder.info.name} (${embedder.info.precision}); listening on http://${settings.host}:${info.port} (ready in ${seconds} s)\n`);
  });
  server.on('error', (error: NodeJS.ErrnoException) => {
    const hint = error.code === 'EADDRINUSE' ? `port ${settings.port} is in use; choose another with PORT=... or --port` : error.message;
    process.stderr.write(`error: cannot listen on ${settings.host}:${settings.port}: ${hint}\n`);
    process.exit(1);
  });
  const shutdown = (signal: string) => {
    process.stderr.write(`${signal}: shutting down\n`);
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
});
