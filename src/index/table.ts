import { extname } from 'node:path';
import type { PaperAdded } from './segment.js';

const MAGIC = 'PSTB';
const TABLE_FORMAT = 1;
const HEADER_BYTES = 16;
const HASH_BYTES = 16;

/** A row of a table: a paper (its id, record hash and when it was added), or undefined for an ordinal kept empty. */
export interface TableRow {
  id: string;
  /** 32 hex digits (`recordHash`). */
  hash: string;
  added: PaperAdded;
}

/**
 * A segment's table: per ordinal of the segment its id, the hash of its record (what a later build
 * compares to find changed papers without reading records), when it was added, and where its record
 * starts in the papers file. A row a merge dropped has no id and no bytes.
 *
 * Written as `table-<name>.bin`: a 16-byte header ("PSTB", format, rows, id bytes), then record
 * starts (f64, rows + 1), added-at times (f64), added-in generations (u32), id ends (u32, rows + 1),
 * record hashes (16 bytes each) and the ids' UTF-8 bytes, all used in place. A million papers' table
 * loads in milliseconds, where the JSON tables of earlier indexes (`table-<name>.json`, still read)
 * took seconds to parse.
 */
export class SegmentTable {
  private constructor(
    readonly count: number,
    readonly lineStarts: Float64Array,
    readonly addedAt: Float64Array,
    readonly addedIn: Uint32Array,
    private readonly idEnds: Uint32Array,
    private readonly hashes: Uint8Array,
    private readonly idBytes: Buffer,
  ) {}

  /** Whether row `i` holds a paper (a merge leaves dropped rows empty). */
  hasPaper(i: number): boolean {
    return this.idEnds[i + 1]! > this.idEnds[i]!;
  }

  /** The id of row `i`, "" for an empty row. */
  id(i: number): string {
    return this.idBytes.toString('utf8', this.idEnds[i]!, this.idEnds[i + 1]!);
  }

  /** The UTF-8 bytes of row `i`'s id, in place. */
  idBytesOf(i: number): Buffer {
    return this.idBytes.subarray(this.idEnds[i]!, this.idEnds[i + 1]!);
  }

  hash(i: number): string {
    return this.hasPaper(i) ? Buffer.from(this.hashes.buffer, this.hashes.byteOffset + i * HASH_BYTES, HASH_BYTES).toString('hex') : '';
  }

  added(i: number): PaperAdded {
    return { at: this.addedAt[i]!, generation: this.addedIn[i]! };
  }

  /** The table of `rows` (one per ordinal of the segment) whose records end at `lineEnds`. */
  static of(rows: ReadonlyArray<TableRow | undefined>, lineStarts: readonly number[]): SegmentTable {
    const count = rows.length;
    const ids = rows.map((row) => Buffer.from(row?.id ?? ''));
    const idEnds = new Uint32Array(count + 1);
    ids.forEach((id, i) => {
      idEnds[i + 1] = idEnds[i]! + id.length;
    });
    const hashes = new Uint8Array(count * HASH_BYTES);
    rows.forEach((row, i) => {
      if (row) hashes.set(Buffer.from(row.hash, 'hex').subarray(0, HASH_BYTES), i * HASH_BYTES);
    });
    return new SegmentTable(
      count,
      Float64Array.from(lineStarts),
      Float64Array.from(rows, (row) => row?.added.at ?? 0),
      Uint32Array.from(rows, (row) => row?.added.generation ?? 0),
      idEnds,
      hashes,
      Buffer.concat(ids),
    );
  }

  /** The file's bytes, in pieces. */
  serialize(): Uint8Array[] {
    const header = Buffer.alloc(HEADER_BYTES);
    header.write(MAGIC, 0, 'latin1');
    header.writeUInt32LE(TABLE_FORMAT, 4);
    header.writeUInt32LE(this.count, 8);
    header.writeUInt32LE(this.idBytes.length, 12);
    const bytesOf = (array: Float64Array | Uint32Array) => new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
    return [
      header,
      bytesOf(this.lineStarts),
      bytesOf(this.addedAt),
      bytesOf(this.addedIn),
      bytesOf(this.idEnds),
      this.hashes,
      this.idBytes,
    ];
  }

  /** Reads a table file of `count` rows (binary, or the JSON of earlier indexes, by its name); a RangeError says what is wrong. */
  static parse(bytes: Buffer, count: number, name: string): SegmentTable {
    return extname(name) === '.json' ? parseJsonTable(bytes, count) : SegmentTable.parseBinary(bytes, count);
  }

  private static parseBinary(source: Buffer, count: number): SegmentTable {
    // Float64 views need an 8-byte-aligned start; a small file read into Node's shared pool may not have one.
    const bytes = source.byteOffset % 8 === 0 ? source : Buffer.from(new Uint8Array(source));
    if (bytes.length < HEADER_BYTES || bytes.toString('latin1', 0, 4) !== MAGIC || bytes.readUInt32LE(4) !== TABLE_FORMAT)
      throw new RangeError(`is not a paper table of format ${TABLE_FORMAT}`);
    if (bytes.readUInt32LE(8) !== count) throw new RangeError(`does not describe ${count} papers`);
    const idByteCount = bytes.readUInt32LE(12);
    const expected = HEADER_BYTES + 8 * (count + 1) + 8 * count + 4 * count + 4 * (count + 1) + HASH_BYTES * count + idByteCount;
    if (bytes.length !== expected) throw new RangeError(`does not describe ${count} papers`);
    let offset = HEADER_BYTES;
    const take = <T extends Float64Array | Uint32Array>(
      View: { new (buffer: ArrayBuffer, offset: number, length: number): T; BYTES_PER_ELEMENT: number },
      length: number,
    ): T => {
      const view = new View(bytes.buffer as ArrayBuffer, bytes.byteOffset + offset, length);
      offset += length * View.BYTES_PER_ELEMENT;
      return view;
    };
    const lineStarts = take(Float64Array, count + 1);
    const addedAt = take(Float64Array, count);
    const addedIn = take(Uint32Array, count);
    const idEnds = take(Uint32Array, count + 1);
    const hashes = bytes.subarray(offset, offset + HASH_BYTES * count);
    const idBytes = bytes.subarray(offset + HASH_BYTES * count);
    if (idEnds[0] !== 0 || idEnds[count] !== idByteCount || idEnds.some((end, i) => i > 0 && end < idEnds[i - 1]!))
      throw new RangeError('has ids out of order');
    return new SegmentTable(count, lineStarts, addedAt, addedIn, idEnds, hashes, idBytes);
  }
}

/** The JSON table of indexes written before binary tables: `{ ids, hashes, addedAt, addedIn, lineStarts }`. */
function parseJsonTable(bytes: Buffer, count: number): SegmentTable {
  const table = JSON.parse(bytes.toString('utf8')) as {
    ids: string[];
    hashes: string[];
    addedAt: number[];
    addedIn: number[];
    lineStarts: number[];
  };
  const columns = [table.ids, table.hashes, table.addedAt, table.addedIn];
  if (!columns.every((column) => Array.isArray(column) && column.length === count) || table.lineStarts?.length !== count + 1)
    throw new RangeError(`does not describe ${count} papers`);
  return SegmentTable.of(
    table.ids.map((id, i) =>
      id === '' ? undefined : { id, hash: table.hashes[i]!, added: { at: table.addedAt[i]!, generation: table.addedIn[i]! } },
    ),
    table.lineStarts,
  );
}

/**
 * Ordinals by paper id, as an open-addressing hash table over the ids' bytes where the tables hold
 * them: a million ids take 12 MB and tens of milliseconds to index, where a Map of strings took
 * hundreds of megabytes and about a second of a server's start-up.
 */
export class IdLookup {
  /** Per slot: the ordinal + 1 (0: empty), and the full hash of its id. */
  private readonly ordinals: Uint32Array;
  private readonly hashes: Uint32Array;
  private readonly mask: number;

  /** `papers` lists every live ordinal once; `idBytesOf` gives the bytes of an ordinal's id. */
  constructor(
    papers: Iterable<number>,
    count: number,
    private readonly idBytesOf: (ordinal: number) => Uint8Array,
  ) {
    let size = 16;
    while (size < 2 * count) size *= 2;
    this.ordinals = new Uint32Array(size);
    this.hashes = new Uint32Array(size);
    this.mask = size - 1;
    for (const ordinal of papers) {
      const bytes = idBytesOf(ordinal);
      const hash = fnv1a(bytes);
      // A later ordinal with the same id replaces an earlier one, as a Map's set would.
      const slot = this.find(bytes, hash);
      this.ordinals[slot] = ordinal + 1;
      this.hashes[slot] = hash;
    }
  }

  get(id: string): number | undefined {
    const bytes = Buffer.from(id);
    const slot = this.find(bytes, fnv1a(bytes));
    const stored = this.ordinals[slot]!;
    return stored === 0 ? undefined : stored - 1;
  }

  /** The slot holding `bytes`, or the empty slot where they would go. */
  private find(bytes: Uint8Array, hash: number): number {
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const stored = this.ordinals[slot]!;
      if (stored === 0) return slot;
      if (this.hashes[slot] === hash && Buffer.compare(this.idBytesOf(stored - 1), bytes) === 0) return slot;
    }
  }
}

/** 32-bit FNV-1a. */
function fnv1a(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
  return hash >>> 0;
}
