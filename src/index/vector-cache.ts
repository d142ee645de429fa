import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { ModelInfo } from '../model/index.js';
import { replaceFileAtomically, sha256 } from '../storage/index.js';

/** Bump when the record layout below changes: files of another format have another name and are never read. */
const CACHE_FORMAT = 2;
/** Starts every record, so a record read at the wrong offset is recognised as such. */
const MAGIC = Buffer.from('PSV2', 'latin1');
const KEY_BYTES = 32;
const CRC_BYTES = 4;
/** A stored vector must be a unit vector to this tolerance (the model normalises every one it returns). */
const UNIT_TOLERANCE = 1e-3;
/** Vectors of papers no longer in the index are kept up to this many records (or twice the index), oldest dropped first. */
const MIN_RECORDS_KEPT = 10_000;

export function contentKey(text: string): string {
  return sha256(text);
}

/** Why a vector may not be stored or used, or undefined when it is a finite unit vector of the right size. */
export function vectorFault(vector: Float32Array, dimensions: number): string | undefined {
  if (vector.length !== dimensions) return `it has ${vector.length} dimensions, not ${dimensions}`;
  let squares = 0;
  for (const x of vector) {
    if (!Number.isFinite(x)) return 'it holds a non-finite number';
    squares += x * x;
  }
  const norm = Math.sqrt(squares);
  return Math.abs(norm - 1) < UNIT_TOLERANCE ? undefined : `its norm is ${norm.toPrecision(4)}, not 1`;
}

/**
 * Embeddings already computed, keyed by the sha256 of the embedded text, one append-only file per
 * model (its checksum and precision are in the file name, so vectors of two models never mix).
 * Each batch is appended and flushed as soon as it is embedded: a killed build resumes where it stopped.
 *
 * Every record proves itself: magic, key, vector, crc32 of the three. Loading stops at the first
 * record that does not (a torn or damaged tail) and cuts the file back to the whole records before
 * it, so later appends stay aligned; a vector that is not a finite unit vector is dropped. What is
 * dropped is simply embedded again, and `onNote` says so.
 */
export class VectorCache {
  /** In file order, so the first entries are the oldest. */
  private readonly vectors = new Map<string, Float32Array>();
  private readonly file: string;
  private readonly recordBytes: number;
  /** Length of the file's whole records: anything past it is a failed append's debris. */
  private wholeBytes = 0;

  constructor(
    folder: string,
    private readonly model: ModelInfo,
    private readonly onNote?: (message: string) => void,
  ) {
    mkdirSync(folder, { recursive: true });
    removeStaleStagingFiles(folder);
    this.file = join(folder, `v${CACHE_FORMAT}-${model.name}-${model.precision}-${model.checksum.slice(0, 16)}.vectors`);
    this.recordBytes = MAGIC.length + KEY_BYTES + model.dimensions * 4 + CRC_BYTES;
    if (existsSync(this.file)) this.load();
  }

  get size(): number {
    return this.vectors.size;
  }

  get(key: string): Float32Array | undefined {
    return this.vectors.get(key);
  }

  /** Appends and flushes the entries; on failure (a full disk) the file is cut back to its whole records and the error thrown. */
  append(entries: Array<[key: string, vector: Float32Array]>): void {
    for (const [key, vector] of entries) {
      const fault = vectorFault(vector, this.model.dimensions);
      if (fault) throw new Error(`the model returned an unusable vector for text ${key.slice(0, 12)}: ${fault}`);
    }
    const bytes = this.encode(entries);
    const fd = openSync(this.file, 'a');
    try {
      if (fstatSync(fd).size !== this.wholeBytes) ftruncateSync(fd, this.wholeBytes);
      try {
        for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written);
        fsyncSync(fd);
      } catch (error) {
        ftruncateSync(fd, this.wholeBytes);
        throw error;
      }
    } finally {
      closeSync(fd);
    }
    this.wholeBytes += bytes.length;
    for (const [key, vector] of entries) {
      // Re-set at the end: a vector written again is among the newest.
      this.vectors.delete(key);
      this.vectors.set(key, vector);
    }
  }

  /**
   * Keeps every vector in `inUse` and, of the others (papers no longer in the index, kept so that
   * a mistaken smaller build costs no re-embedding), the newest up to `limit` records in all.
   */
  prune(inUse: ReadonlySet<string>, limit = Math.max(2 * inUse.size, MIN_RECORDS_KEPT)): void {
    const unused = [...this.vectors.keys()].filter((key) => !inUse.has(key));
    const inUseCount = this.vectors.size - unused.length;
    const dropped = unused.slice(0, Math.max(0, this.vectors.size - Math.max(limit, inUseCount)));
    if (dropped.length === 0) return;
    for (const key of dropped) this.vectors.delete(key);
    const bytes = this.encode([...this.vectors.entries()]);
    replaceFileAtomically(this.file, [bytes]);
    this.wholeBytes = bytes.length;
  }

  private encode(entries: Array<[key: string, vector: Float32Array]>): Buffer {
    const buffer = Buffer.alloc(entries.length * this.recordBytes);
    entries.forEach(([key, vector], i) => {
      const offset = i * this.recordBytes;
      MAGIC.copy(buffer, offset);
      buffer.write(key, offset + MAGIC.length, KEY_BYTES, 'hex');
      Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).copy(buffer, offset + MAGIC.length + KEY_BYTES);
      const end = offset + this.recordBytes - CRC_BYTES;
      buffer.writeUInt32LE(crc32(buffer.subarray(offset, end)), end);
    });
    return buffer;
  }

  private load(): void {
    const bytes = readFileSync(this.file);
    let offset = 0;
    let unusable = 0;
    for (; offset + this.recordBytes <= bytes.length; offset += this.recordBytes) {
      const record = bytes.subarray(offset, offset + this.recordBytes);
      const body = record.subarray(0, this.recordBytes - CRC_BYTES);
      if (!record.subarray(0, MAGIC.length).equals(MAGIC) || crc32(body) !== record.readUInt32LE(body.length)) break;
      const key = record.toString('hex', MAGIC.length, MAGIC.length + KEY_BYTES);
      // A copy: aligned for Float32Array, and not pinning the whole file's buffer.
      const vector = new Float32Array(Uint8Array.from(body.subarray(MAGIC.length + KEY_BYTES)).buffer);
      if (vectorFault(vector, this.model.dimensions)) {
        unusable++;
        this.vectors.delete(key);
        continue;
      }
      this.vectors.delete(key);
      this.vectors.set(key, vector);
    }
    this.wholeBytes = offset;
    if (offset < bytes.length) {
      const records = Math.floor(offset / this.recordBytes);
      this.onNote?.(
        `Vector cache ${this.file}: ${records} whole records, then ${bytes.length - offset} bytes of a torn or damaged record; those vectors will be computed again.`,
      );
      // Cut now, or the next append would land behind bytes no load can get past.
      const fd = openSync(this.file, 'r+');
      try {
        ftruncateSync(fd, offset);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
    if (unusable > 0)
      this.onNote?.(
        `Vector cache ${this.file}: ${unusable} stored vectors are not finite unit vectors and were dropped; they will be computed again.`,
      );
  }
}

/**
 * Staging files (`<name>.tmp-<pid>`) left by a rewrite that was killed: removed when the process that
 * wrote them is gone, so they never pile up beside the cache.
 */
function removeStaleStagingFiles(folder: string): void {
  for (const name of readdirSync(folder)) {
    const pid = Number(/\.tmp-(\d+)$/.exec(name)?.[1]);
    if (Number.isInteger(pid) && pid > 0 && !isAlive(pid)) rmSync(join(folder, name), { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
