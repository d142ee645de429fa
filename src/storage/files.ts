import { createHash } from 'node:crypto';
import { closeSync, createReadStream, fsyncSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { crc32 as crc32Update } from 'node:zlib';

/**
 * The two digests a file gets. CRC-32 checks that a data file is whole: a torn write, a truncation
 * or flipped bits, at memory speed (about 2 GB/s here against sha256's 0.5–1, which made verifying a
 * million-paper index the bulk of a server's start-up). sha256 names content (a model, a corpus,
 * a cached text), where a collision would be a wrong answer, not a damaged file.
 */
export type DigestKind = 'crc32' | 'sha256';

/** What a written or verified file is: its size and CRC-32. */
export interface FileDigest {
  bytes: number;
  crc32: string;
}

interface Hasher {
  update(chunk: Uint8Array): void;
  digest(): string;
}

function hasher(kind: DigestKind): Hasher {
  if (kind === 'sha256') {
    const hash = createHash('sha256');
    return { update: (chunk) => hash.update(chunk), digest: () => hash.digest('hex') };
  }
  let value = 0;
  return {
    update: (chunk) => {
      value = crc32Update(chunk, value);
    },
    digest: () => value.toString(16).padStart(8, '0'),
  };
}

const CHUNK_BYTES = 1 << 20;

export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function crc32(bytes: Uint8Array | string): string {
  const hash = hasher('crc32');
  hash.update(typeof bytes === 'string' ? Buffer.from(bytes) : bytes);
  return hash.digest();
}

/**
 * Writes `pieces` to a new file, hashing them on the way and flushing the file to disk before
 * returning: many small pieces cost few system calls, and the whole file is never held in memory.
 */
export function writeFileDurably(path: string, pieces: Iterable<Uint8Array | string>): FileDigest {
  const hash = hasher('crc32');
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
  return { bytes, crc32: hash.digest() };
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

/** Streams a file through a digest (and `onChunk`), so checking a large file needs no large buffer. */
export function hashFile(
  path: string,
  kind: DigestKind,
  onChunk?: (chunk: Buffer, position: number) => void,
): { bytes: number; digest: string } {
  const hash = hasher(kind);
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
  return { bytes: position, digest: hash.digest() };
}

/**
 * `hashFile` without holding the event loop: chunks are read asynchronously and hashed between other
 * work, so a server checking a gigabyte-sized file it is about to load keeps answering meanwhile.
 */
export async function hashFileAsync(path: string, kind: DigestKind): Promise<{ bytes: number; digest: string }> {
  const hash = hasher(kind);
  let bytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES })) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { bytes, digest: hash.digest() };
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
