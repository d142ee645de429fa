import { describe, expect, it } from 'vitest';
import { IdLookup, SegmentTable, type TableRow } from '../../src/index/table.js';

const rows: Array<TableRow | undefined> = [
  { id: 'attention-is-all-a1b2c3d4', hash: '0123456789abcdef0123456789abcdef', added: { at: 1_700_000_000_000, generation: 1 } },
  undefined,
  { id: 'Über-robots-ffee0011', hash: 'ffffffffffffffff0000000000000000', added: { at: 1_700_000_123_456, generation: 3 } },
];
const lineStarts = [0, 120, 120, 260];

describe('a segment table', () => {
  it('reads back from its binary file what was written: ids (UTF-8), empty rows, hashes, times, record starts', () => {
    const written = SegmentTable.of(rows, lineStarts);
    const bytes = Buffer.concat(written.serialize());
    const read = SegmentTable.parse(bytes, 3, 'table-abc.bin');
    expect([0, 1, 2].map((i) => [read.hasPaper(i), read.id(i), read.hash(i), read.added(i)])).toEqual([
      [true, rows[0]!.id, rows[0]!.hash, rows[0]!.added],
      [false, '', '', { at: 0, generation: 0 }],
      [true, rows[2]!.id, rows[2]!.hash, rows[2]!.added],
    ]);
    expect(Array.from(read.lineStarts)).toEqual(lineStarts);
    // Read from an unaligned copy (a small file in Node's shared buffer pool) it is the same.
    const unaligned = Buffer.concat([Buffer.alloc(3), bytes]).subarray(3);
    expect(SegmentTable.parse(unaligned, 3, 'table-abc.bin').id(2)).toBe(rows[2]!.id);
  });

  it('reads the JSON table of an index written before binary tables', () => {
    const json = {
      ids: rows.map((row) => row?.id ?? ''),
      hashes: rows.map((row) => row?.hash ?? ''),
      addedAt: rows.map((row) => row?.added.at ?? 0),
      addedIn: rows.map((row) => row?.added.generation ?? 0),
      lineStarts,
    };
    const read = SegmentTable.parse(Buffer.from(JSON.stringify(json)), 3, 'table-abc.json');
    expect([read.id(0), read.hasPaper(1), read.hash(2), read.added(2), read.lineStarts[3]]).toEqual([
      rows[0]!.id,
      false,
      rows[2]!.hash,
      rows[2]!.added,
      260,
    ]);
  });

  it('refuses bytes that are not a table of that many rows, with a RangeError saying so', () => {
    const bytes = Buffer.concat(SegmentTable.of(rows, lineStarts).serialize());
    expect(() => SegmentTable.parse(bytes, 4, 'table-abc.bin')).toThrow(/does not describe 4 papers/);
    expect(() => SegmentTable.parse(bytes.subarray(0, bytes.length - 1), 3, 'table-abc.bin')).toThrow(RangeError);
    expect(() => SegmentTable.parse(Buffer.from('{"ids": []}'), 3, 'table-abc.bin')).toThrow(/not a paper table/);
    expect(() => SegmentTable.parse(Buffer.from('{"ids": []}'), 3, 'table-abc.json')).toThrow(/does not describe 3 papers/);
  });
});

describe('ordinals by id', () => {
  const ids = Array.from({ length: 5000 }, (_, i) => `paper-${i}-${(i * 2654435761) % 1000}`);
  const bytes = ids.map((id) => Buffer.from(id));

  it('finds every id, and nothing for an id not held', () => {
    const lookup = new IdLookup(ids.keys(), ids.length, (ordinal) => bytes[ordinal]!);
    expect(ids.every((id, ordinal) => lookup.get(id) === ordinal)).toBe(true);
    expect(lookup.get('paper-5000-0')).toBeUndefined();
    expect(lookup.get('')).toBeUndefined();
  });

  it('keeps the later ordinal of an id listed twice, as a Map would', () => {
    const lookup = new IdLookup([0, 1, 2], 3, (ordinal) => Buffer.from(['a', 'b', 'a'][ordinal]!));
    expect([lookup.get('a'), lookup.get('b')]).toEqual([2, 1]);
  });
});
