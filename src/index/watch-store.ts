import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { type Watch, type WatchRequest, WatchSchema } from '../contract/schemas.js';
import { LIMITS } from '../contract/values.js';
import { acquireLock, LockHeldError, replaceFileAtomically, sha256 } from '../storage/index.js';

/**
 * Watches are the user's saved queries and liked sets, kept beside the index in `watches.json`. They are user data,
 * not index data: a build never writes or removes them (its writer deletes only data files and its
 * own manifest staging files), and every change is a read-modify-write under a lock of their own, so
 * the CLI and a running server can both add watches while a build holds the index lock.
 */
export const WATCHES_FILE = 'watches.json';
const WATCHES_LOCK = '.watches.lock';
/** How long a change waits for another writer (a change holds the lock for milliseconds). */
const LOCK_WAIT_MS = 5_000;
/**
 * Still 1 with liked sets: a liked set is a new kind of entry (liked ids instead of a query), and a
 * file of query watches reads and writes exactly as before.
 */
const FORMAT_VERSION = 1;
/** Hex digits of an id: 8 are plenty for a hundred watches; a (rare) clash with another watch takes more. */
const ID_DIGITS = 8;

const WatchesFileSchema = z.object({
  version: z.literal(FORMAT_VERSION),
  watches: z.array(WatchSchema),
});

/** The watches file exists but cannot be read as one; it is never overwritten in that state. */
export class WatchesUnreadableError extends Error {}

export class WatchNotFoundError extends Error {
  constructor(readonly id: string) {
    super(`no watch with id "${id}"`);
  }
}

export class WatchLimitError extends Error {}

/** The watches of one index folder. Reads need no lock: the file is only ever replaced whole. */
export class WatchStore {
  readonly path: string;

  constructor(readonly dir: string) {
    this.path = join(dir, WATCHES_FILE);
  }

  /** Every watch, oldest first. */
  list(): Watch[] {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const refuse = (why: string) =>
      new WatchesUnreadableError(`${this.path} is not a watches file (${why}); fix it or move it aside: it is left as it is`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw refuse('not valid JSON');
    }
    const parsed = WatchesFileSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw refuse(`${issue.path.join('.') || 'root'}: ${issue.message}`);
    }
    return parsed.data.watches;
  }

  /**
   * Adds a watch, or finds the one already kept for the same query (or liked set) and filters
   * (`created` false): watching a query twice is watching it once. Liked ids are kept as given: that
   * the index has them is the caller's to check (the store reads no index).
   */
  add(request: WatchRequest, now = new Date()): Promise<{ watch: Watch; created: boolean }> {
    return this.change<{ watch: Watch; created: boolean }>((watches) => {
      const identity = identityOf(request);
      const existing = watches.find((watch) => identityOf(watch) === identity);
      if (existing) return { result: { watch: existing, created: false } };
      if (watches.length >= LIMITS.watches)
        throw new WatchLimitError(`${this.path} already holds ${LIMITS.watches} watches, the most kept; remove one first`);
      const hash = sha256(identity);
      let digits = ID_DIGITS;
      while (watches.some((watch) => watch.id === hash.slice(0, digits))) digits += 4;
      const watch = valid({ id: hash.slice(0, digits), ...definedFields(request), created_at: now.toISOString() });
      return { watches: [...watches, watch], result: { watch, created: true } };
    });
  }

  /** Removes a watch and returns it; WatchNotFoundError when no watch has this id. */
  remove(id: string): Promise<Watch> {
    return this.change((watches) => {
      const removed = watches.find((watch) => watch.id === id);
      if (!removed) throw new WatchNotFoundError(id);
      return { watches: watches.filter((watch) => watch !== removed), result: removed };
    });
  }

  /**
   * Read, change and write the file while holding the watches lock, waiting for another writer's
   * turn. The work under the lock is synchronous, so it never interleaves with this process's own
   * changes either. A file that cannot be read is refused before anything is written.
   */
  private async change<T>(edit: (watches: Watch[]) => { watches?: Watch[]; result: T }): Promise<T> {
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      let lock: ReturnType<typeof acquireLock>;
      try {
        lock = acquireLock(this.dir, 'watches', WATCHES_LOCK);
      } catch (error) {
        if (!(error instanceof LockHeldError) || Date.now() > deadline) throw error;
        await sleep(5 + Math.random() * 20);
        continue;
      }
      try {
        const { watches, result } = edit(this.list());
        if (watches) this.write(watches);
        return result;
      } finally {
        lock.release();
      }
    }
  }

  private write(watches: Watch[]): void {
    // Under the lock no other writer is mid-write: any staging file left here is a killed writer's.
    for (const name of readdirSync(this.dir)) if (name.startsWith(`${WATCHES_FILE}.tmp-`)) rmSync(join(this.dir, name), { force: true });
    replaceFileAtomically(this.path, [`${JSON.stringify({ version: FORMAT_VERSION, watches }, null, 2)}\n`]);
  }
}

/** A watch checked as the file's reader will check it, so the store never writes a file it would refuse. */
function valid(watch: Watch): Watch {
  const parsed = WatchSchema.safeParse(watch);
  if (!parsed.success) throw new Error(`not a valid watch: ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}

/** The fields a request gives, without the ones left out (so the file holds no nulls or undefineds). */
function definedFields(request: WatchRequest): WatchRequest {
  return Object.fromEntries(Object.entries(request).filter(([, value]) => value !== undefined)) as WatchRequest;
}

/**
 * What makes two watches the same: the query, or the liked and disliked ids in any order, and the
 * filters as the search compares them (case and runs of spaces do not matter to the analyzer, the
 * model or the filters). A liked set's name does not: saving the same set under another name finds it.
 */
function identityOf(watch: WatchRequest): string {
  const fold = (text: string | undefined) => text?.toLowerCase().replace(/\s+/g, ' ').trim();
  const filters = [watch.year_min, watch.year_max, fold(watch.author), fold(watch.venue), fold(watch.tag)];
  // A query watch's identity is as it always was, so its id stays the same.
  if (!watch.liked) return JSON.stringify([fold(watch.query), ...filters]);
  const ids = (list: readonly string[] | undefined) => [...new Set(list ?? [])].sort();
  return JSON.stringify([{ liked: ids(watch.liked), disliked: ids(watch.disliked) }, ...filters]);
}
