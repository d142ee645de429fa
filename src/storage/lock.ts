import { readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

const LOCK_FILE = '.lock';
/** A lock file too young to hold its record yet may be mid-write by its creator; older and unreadable, it is debris. */
const UNREADABLE_GRACE_MS = 5_000;

interface LockRecord {
  pid: number;
  host: string;
  started: string;
}

/** Another live process holds the folder; the message names it and what to do. */
export class LockHeldError extends Error {}

export interface FolderLock {
  release(): void;
}

/**
 * Makes this process the one writer of `dir` (`what` names the folder's content in messages) by
 * creating `<dir>/.lock` exclusively. A lock left by a process that is gone (killed, crashed) is
 * recovered; one held by a live process is refused at once. The lock is released by `release()`
 * and, failing that, when the process exits. Another `file` name makes a separate lock on other
 * content of the same folder (the watches beside an index), so neither writer waits for the other.
 */
export function acquireLock(dir: string, what: string, file = LOCK_FILE): FolderLock {
  const path = join(dir, file);
  const mine: LockRecord = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
  const content = `${JSON.stringify(mine)}\n`;
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(path, content, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readHolder(path);
    if (attempt === 0 && holder !== 'gone' && isStale(path, holder)) {
      unlinkSync(path);
      continue;
    }
    if (holder === 'gone' && attempt < 2) continue;
    throw new LockHeldError(describeHolder(dir, what, holder));
  }

  const releaseOnExit = () => removeIfMine(path, content);
  process.once('exit', releaseOnExit);
  return {
    release() {
      process.removeListener('exit', releaseOnExit);
      removeIfMine(path, content);
    },
  };
}

function readHolder(path: string): LockRecord | 'unreadable' | 'gone' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return 'gone';
  }
  try {
    const record = JSON.parse(text) as LockRecord;
    return Number.isInteger(record.pid) && typeof record.host === 'string' ? record : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

/** True when the holder cannot be running: its pid is gone on this host, or the file is old debris. */
function isStale(path: string, holder: LockRecord | 'unreadable'): boolean {
  if (holder === 'unreadable') return Date.now() - statSync(path).mtimeMs > UNREADABLE_GRACE_MS;
  // A process on another host (a shared folder) cannot be checked from here: it counts as alive.
  if (holder.host !== hostname()) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function describeHolder(dir: string, what: string, holder: LockRecord | 'unreadable' | 'gone'): string {
  const by =
    typeof holder === 'object'
      ? `pid ${holder.pid}${holder.host === hostname() ? '' : ` on ${holder.host}`} since ${holder.started}`
      : 'another process';
  return `${what} in ${dir} is being written by ${by}; wait for it or stop it`;
}

function removeIfMine(path: string, content: string): void {
  try {
    if (readFileSync(path, 'utf8') === content) unlinkSync(path);
  } catch {
    // Already gone: nothing to release.
  }
}
