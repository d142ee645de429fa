import { appendFileSync, existsSync, mkdirSync, readFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelInfo } from '../model/index.js';
import { replaceFileAtomically, sha256 } from '../storage/index.js';

const KEY_BYTES = 32;
/** Bump when the record layout below changes. */
const CACHE_FORMAT = 1;

export function contentKey(text: string): string {
  return sha256(text);
}

/**
 * Embeddings already computed, keyed by the sha256 of the embedded text, one append-only file per
 * model (its checksum and precision are in the file name, so vectors of two models never mix).
 * Each batch is appended as soon as it is embedded: a killed build resumes where it stopped.
 * A torn final record (a kill mid-append) is ignored on load.
 */
export class VectorCache {
  private readonly vectors = new Map<string, Float32Array>();
  private readonly file: string;
  private readonly recordBytes: number;

  constructor(folder: string, model: ModelInfo) {
    mkdirSync(folder, { recursive: true });
    this.file = join(folder, `v${CACHE_FORMAT}-${model.name}-${model.precision}-${model.checksum.slice(0, 16)}.vectors`);
    this.recordBytes = KEY_BYTES + model.dimensions * 4;
    if (existsSync(this.file)) this.load();
  }

  get size(): number {
    return this.vectors.size;
  }

  get(key: string): Float32Array | undefined {
    return this.vectors.get(key);
  }

  append(entries: Array<[key: string, vector: Float32Array]>): void {
    for (const [key, vector] of entries) this.vectors.set(key, vector);
    appendFileSync(this.file, this.encode(entries));
  }

  /** Rewrites the file with only the given keys, dropping vectors of papers no longer in the corpus. */
  retainOnly(keys: Set<string>): void {
    const stale = [...this.vectors.keys()].filter((key) => !keys.has(key));
    if (stale.length === 0) return;
    for (const key of stale) this.vectors.delete(key);
    replaceFileAtomically(this.file, [this.encode([...this.vectors.entries()])]);
  }

  private encode(entries: Array<[key: string, vector: Float32Array]>): Buffer {
    const buffer = Buffer.alloc(entries.length * this.recordBytes);
    entries.forEach(([key, vector], i) => {
      const offset = i * this.recordBytes;
      buffer.write(key, offset, KEY_BYTES, 'hex');
      Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).copy(buffer, offset + KEY_BYTES);
    });
    return buffer;
  }

  private load(): void {
    const bytes = readFileSync(this.file);
    const records = Math.floor(bytes.length / this.recordBytes);
    // Cut a torn final record off, or the next append would land misaligned behind it.
    if (records * this.recordBytes !== bytes.length) truncateSync(this.file, records * this.recordBytes);
    for (let i = 0; i < records; i++) {
      const offset = i * this.recordBytes;
      const key = bytes.toString('hex', offset, offset + KEY_BYTES);
      const start = offset + KEY_BYTES;
      this.vectors.set(key, new Float32Array(bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + offset + this.recordBytes)));
    }
  }
}
