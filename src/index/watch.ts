import { type FSWatcher, watch } from 'node:fs';
import { IndexError, MANIFEST, readManifest, type Manifest } from './manifest.js';
import { loadIndex, type PaperIndex } from './reader.js';

export interface GenerationWatch {
  /** Stops watching; a load under way still finishes but is not handed over. */
  close(): void;
}

export interface GenerationWatchOptions {
  /** The generation already served: only a different one is loaded. */
  current: Pick<Manifest, 'generation' | 'builtAt'>;
  /** A newly committed generation, loaded and verified; the receiver may still refuse it by throwing. */
  onGeneration(index: PaperIndex): void;
  /** One line: a generation that could not be loaded or was refused, and that the current one stays. */
  onRefused(message: string): void;
  /** The polling period, the fallback where file-system events are missed (network folders, some containers). */
  pollMs?: number;
}

/**
 * Watches an index folder for newly committed generations (the build replaces `manifest.json`, the
 * commit point): a file-system watch reacts at once and a poll catches what it misses. Each new
 * generation is loaded beside the served one and verified; only then is it handed over. A generation
 * that fails to load (damaged, another model) is reported once, and the served one stays.
 */
export function watchGenerations(dir: string, options: GenerationWatchOptions): GenerationWatch {
  const { pollMs = 2000 } = options;
  let served = stamp(options.current);
  let servedGeneration = options.current.generation;
  /** The last generation refused, so a damaged one is reported once, not at every poll. */
  let refused: string | undefined;
  let loading = false;
  let again = false;
  let closed = false;

  const check = async (): Promise<void> => {
    if (loading) {
      again = true;
      return;
    }
    loading = true;
    try {
      do {
        again = false;
        await loadIfNew();
      } while (again && !closed);
    } finally {
      loading = false;
    }
  };

  const loadIfNew = async (): Promise<void> => {
    let manifest: Manifest;
    try {
      manifest = readManifest(dir);
    } catch (error) {
      // Between a build's rename and our read there is nothing to see; a manifest that stays unreadable is reported once.
      const message = (error as Error).message;
      if (refused !== message) options.onRefused(`not switching generations: ${message}; still serving generation ${servedGeneration}`);
      refused = message;
      return;
    }
    const seen = stamp(manifest);
    if (seen === served || seen === refused) return;
    let index: PaperIndex;
    try {
      index = await loadIndex(dir, manifest);
    } catch (error) {
      // A generation replaced while it loaded (its files removed by a later build) is not damaged: look again.
      if (stamp(readManifestOrCurrent(dir, manifest)) !== seen) {
        again = true;
        return;
      }
      refused = seen;
      options.onRefused(
        `not switching to generation ${manifest.generation} of ${dir}: ${(error as Error).message}; still serving generation ${servedGeneration}`,
      );
      return;
    }
    if (closed) {
      index.close();
      return;
    }
    try {
      options.onGeneration(index);
      served = seen;
      servedGeneration = manifest.generation;
    } catch (error) {
      index.close();
      refused = seen;
      options.onRefused(
        `not switching to generation ${manifest.generation} of ${dir}: ${(error as Error).message}; still serving generation ${servedGeneration}`,
      );
    }
  };

  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dir, { persistent: false }, (_event, file) => {
      if (file === null || file === MANIFEST) void check();
    });
    watcher.on('error', () => watcher?.close());
  } catch {
    // No file-system events here: the poll alone notices new generations.
  }
  const poll = setInterval(() => void check(), pollMs);
  poll.unref();
  return {
    close() {
      closed = true;
      clearInterval(poll);
      watcher?.close();
    },
  };
}

function stamp(manifest: Pick<Manifest, 'generation' | 'builtAt'>): string {
  return `${manifest.generation}@${manifest.builtAt}`;
}

function readManifestOrCurrent(dir: string, fallback: Manifest): Manifest {
  try {
    return readManifest(dir);
  } catch (error) {
    if (error instanceof IndexError) return fallback;
    throw error;
  }
}
