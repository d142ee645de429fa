import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';
import { serve } from '@hono/node-server';
import { Command } from 'commander';
import { checkExposure, type Settings } from '../../config/index.js';
import { isIndexCurrent, loadIndex, PaperIndex, readManifestIfAny, WatchStore, watchGenerations } from '../../index/index.js';
import { SearchEngine } from '../../search/index.js';
import { createApp } from '../../server/index.js';
import { runBuild } from '../build-runner.js';
import { confirm } from '../confirm.js';
import { loadEmbedder, mismatchMessage, shownPath } from '../engine.js';
import { say } from '../main.js';
import { settingsFrom, withSettings, withExamples } from '../options.js';
import { DEFAULT_INDEX, SEED_INPUTS } from './build.js';

/** Last resort on shutdown: in-flight requests normally end within seconds (the queue answers 503 when full). */
const SHUTDOWN_DEADLINE_MS = 30_000;
/** On shutdown, how long the server must be quiet (no response pending, no new connection) before it stops listening. */
const QUIET_BEFORE_CLOSE_MS = 300;

export function serveCommand(): Command {
  const command = new Command('serve')
    .summary('serve the JSON API and the web page')
    .description(
      'Serve an index over HTTP: the JSON API (/api/*, /openapi.json), the web page (/) and /health. ' +
        'The default index is built from the seed papers on first start and kept up to date with its inputs; any other index is served as it is.',
    );
  withSettings(command, [
    'host',
    'port',
    'indexDir',
    'modelsDir',
    'model',
    'precision',
    'threads',
    'accessToken',
    'corsOrigins',
    'allowedHosts',
  ]);
  withExamples(command, [
    'npx paper-search serve                                   # the seed index on http://127.0.0.1:3000',
    'npx paper-search serve --index my-index --port 8080',
    'ACCESS_TOKEN=$(openssl rand -hex 16) npx paper-search serve --host 0.0.0.0',
  ]);
  return command.action(async () => {
    const started = performance.now();
    const settings = settingsFrom(command.opts());
    checkExposure(settings);
    const engine = await prepareEngine(settings);
    // A build that commits a new generation (in another terminal, from cron) is picked up without a restart.
    watchGenerations(settings.indexDir, {
      current: engine.index.manifest,
      onGeneration: (index) => {
        engine.replaceIndex(index);
        say(
          `paper-search: now serving generation ${index.generation} of ${shownPath(settings.indexDir)} (${index.size} papers, built ${index.manifest.builtAt})`,
        );
      },
      onRefused: (message) => say(`warning: ${message}`),
    });
    const app = createApp(engine, {
      accessToken: settings.accessToken,
      corsOrigins: settings.corsOrigins,
      allowedHosts: settings.allowedHosts,
      watches: new WatchStore(settings.indexDir),
    });
    // Without a createServer option, serve() makes a plain node:http server (its type also allows HTTP/2).
    const server = serve({ fetch: app.fetch, hostname: settings.host, port: settings.port }, (info) => {
      const { papers, model, precision } = engine.describe();
      say(
        `paper-search: ${papers} papers, ${model} (${precision}); listening on http://${settings.host}:${info.port} (ready in ${((performance.now() - started) / 1000).toFixed(2)} s)`,
      );
    }) as Server;
    server.on('error', (error: NodeJS.ErrnoException) => {
      const hint = error.code === 'EADDRINUSE' ? `port ${settings.port} is in use; choose another with PORT=... or --port` : error.message;
      say(`error: cannot listen on ${settings.host}:${settings.port}: ${hint}`);
      process.exit(1);
    });
    const finishRequests = trackRequests(server);
    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) {
        say(`${signal}: stopping now, without the requests in flight`);
        process.exit(1);
      }
      stopping = true;
      say(`${signal}: shutting down: no new connections; finishing the requests in flight (a second signal stops at once)`);
      finishRequests(() => {
        say(`${signal}: every request answered; stopped`);
        process.exit(0);
      });
      setTimeout(() => {
        say(`${signal}: requests still running after ${SHUTDOWN_DEADLINE_MS / 1000} s; stopping without them`);
        process.exit(1);
      }, SHUTDOWN_DEADLINE_MS).unref();
    };
    process.on('SIGINT', () => shutdown('SIGINT'));
    process.on('SIGTERM', () => shutdown('SIGTERM'));
  });
}

/**
 * Graceful stop for an HTTP server; the returned function stops accepting, lets every request in
 * flight finish, then calls back. Not http.Server.close(): it (and closeIdleConnections) destroys
 * every connection without a request being parsed, including ones just accepted whose request is
 * still unread, which under load dropped requests sent before the signal. Here a connection is
 * closed once its response ends, and an idle one once the server is quiet.
 */
function trackRequests(server: Server): (onStopped: () => void) => void {
  const responsesBySocket = new Map<Socket, Set<ServerResponse>>();
  let stopping = false;
  server.on('connection', (socket: Socket) => {
    responsesBySocket.set(socket, new Set());
    socket.once('close', () => responsesBySocket.delete(socket));
  });
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const socket = request.socket;
    const responses = responsesBySocket.get(socket);
    responses?.add(response);
    if (stopping) response.setHeader('Connection', 'close');
    response.once('close', () => {
      responses?.delete(response);
      if (stopping) socket.end();
    });
  });
  // The listener stays open until the server is quiet: every response sent and no connection opened for
  // a moment. A busy event loop may not yet have taken connections a client opened just before the
  // signal off the kernel's backlog, and closing the listener then would reset them; a connection that
  // arrives meanwhile is served and closed. Idle connections are ended once the listener is closed.
  return (onStopped) => {
    stopping = true;
    for (const responses of responsesBySocket.values()) {
      for (const response of responses) if (!response.headersSent) response.setHeader('Connection', 'close');
    }
    let lastConnection = performance.now();
    server.on('connection', () => {
      lastConnection = performance.now();
    });
    const closeWhenQuiet = () => {
      const busy = [...responsesBySocket.values()].some((responses) => responses.size > 0);
      if (busy || performance.now() - lastConnection < QUIET_BEFORE_CLOSE_MS) {
        setTimeout(closeWhenQuiet, QUIET_BEFORE_CLOSE_MS / 4);
        return;
      }
      NetServer.prototype.close.call(server, () => onStopped());
      for (const [socket, responses] of responsesBySocket) if (responses.size === 0) socket.end();
    };
    setTimeout(closeWhenQuiet, QUIET_BEFORE_CLOSE_MS);
  };
}

/**
 * Opens the index with the model that built it. The default index is built from the seeds when
 * missing and refreshed when its inputs changed; a model mismatch is never rebuilt silently: a
 * terminal is asked, anything else gets the command that rebuilds.
 */
async function prepareEngine(settings: Settings): Promise<SearchEngine> {
  const isDefault = settings.indexDir === DEFAULT_INDEX;
  let manifest = readManifestIfAny(settings.indexDir);
  // A named index is loaded (checksums, graph) while the model loads: start-up is the longer of the two, not their sum.
  const preloading = manifest && !isDefault ? loadIndex(settings.indexDir, manifest).catch((error: unknown) => error as Error) : undefined;
  const embedder = await loadEmbedder(settings, manifest);
  let rebuilt = false;
  if (!manifest && isDefault) {
    say('Building the seed index (first start).');
    manifest = (await runBuild(settings, { inputs: SEED_INPUTS }, embedder)).manifest;
  }
  if (manifest) {
    const mismatch = mismatchMessage(settings, manifest, embedder);
    if (mismatch) {
      if (
        !(await confirm(
          `The ${mismatch.replace(/; rebuild it with .*/, '')}. Rebuild it now with ${embedder.info.name} (${embedder.info.precision})?`,
        ))
      )
        throw new Error(mismatch);
      await runBuild(settings, { inputs: [] }, embedder);
      rebuilt = true;
    } else if (isDefault && !(await isIndexCurrent(settings.indexDir, manifest))) {
      say('Updating the index: its inputs changed.');
      await runBuild(settings, { inputs: [] }, embedder);
    }
  }
  const preloaded = await preloading;
  if (preloaded instanceof PaperIndex && rebuilt) preloaded.close();
  if (preloaded instanceof Error && !rebuilt) throw preloaded;
  return new SearchEngine(preloaded instanceof PaperIndex && !rebuilt ? preloaded : await loadIndex(settings.indexDir), embedder);
}
