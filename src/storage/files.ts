import { createHash } from 'node:crypto';
import { closeSync, createReadStream, fsyncSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** What a written or verified file is: its size and sha256. */
export interface FileDigest {
  bytes: number;
  sha256: string;
}

const CHUNK_BYTES = 1 << 20;

export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Writes `pieces` to a new file, hashing them on the way and flushing the file to disk before
 * returning: many small pieces cost few system calls, and the whole file is never held in memory.
 */
export function writeFileDurably(path: string, pieces: Iterable<Uint8Array | string>): FileDigest {
  const hash = createHash('sha256');
  const fd = openSync(path, 'w');
  let bytes = 0;
  try {
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    const flush = () => {
      if (pendingBytes > 0) writeSync(fd, Buffer.concat(pending, pendingBytes));
      pending = [];
      pendingBytes = 0;
    };
    for (const piece of pieces) {
      const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
      hash.update(chunk);
      pending.push(chunk);
      pendingBytes += chunk.length;
      bytes += chunk.length;
      if (pendingBytes >= CHUNK_BYTES) flush();
    }
    flush();
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return { bytes, sha256: hash.digest('hex') };
}

/**
 * Replaces `path` so that a reader, a crash or a full disk at any moment finds either the old file
 * or the new one, whole: write a sibling, flush it, rename it over, flush the folder.
 */
export function replaceFileAtomically(path: string, pieces: Iterable<Uint8Array | string>): FileDigest {
  const staging = `${path}.tmp-${process.pid}`;
  try {
    const digest = writeFileDurably(staging, pieces);
    renameSync(staging, path);
    fsyncPath(dirname(path));
    return digest;
  } catch (error) {
    rmSync(staging, { force: true });
    throw error;
  }
}

/**
 * Puts a fully written `staging` folder in place of `target`. The old folder is renamed aside rather
 * than deleted first, so the gap with no `target` is two renames long, and the old copy is only
 * removed once the new one is in place.
 */
export function replaceFolder(staging: string, target: string): void {
  fsyncPath(staging);
  const aside = `${target}.old-${process.pid}`;
  let hadOld = true;
  try {
    renameSync(target, aside);
  } catch {
    hadOld = false;
  }
  renameSync(staging, target);
  fsyncPath(dirname(target));
  if (hadOld) rmSync(aside, { recursive: true, force: true });
}

/** Streams a file through sha256 (and `onChunk`), so checking a large file needs no large buffer. */
export function hashFile(path: string, onChunk?: (chunk: Buffer, position: number) => void): FileDigest {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  const fd = openSync(path, 'r');
  let position = 0;
  try {
    for (let read = readSync(fd, buffer, 0, CHUNK_BYTES, position); read > 0; read = readSync(fd, buffer, 0, CHUNK_BYTES, position)) {
      const chunk = buffer.subarray(0, read);
      hash.update(chunk);
      onChunk?.(chunk, position);
      position += read;
    }
  } finally {
    closeSync(fd);
  }
  return { bytes: position, sha256: hash.digest('hex') };
}

/**
 * `hashFile` without holding the event loop: chunks are read asynchronously and hashed between other
 * work, so a server checking a gigabyte-sized file it is about to load keeps answering meanwhile.
 */
export async function hashFileAsync(path: string): Promise<FileDigest> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES })) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { bytes, sha256: hash.digest('hex') };
}

/** Flushes a file or folder to disk, so a rename that follows never exposes a half-written file after a power cut. */
export function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
