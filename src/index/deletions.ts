/**
 * The papers of a generation that are gone: removed from the library, or replaced by a newer record
 * under a new ordinal. Ordinals are never reused by another paper, so a segment written once stays
 * true, and what a generation deletes is this one set (Lucene's live-docs bitmap, inverted). Stored as
 * ascending u32 ordinals; held as a bitmap.
 */
export class Deletions {
  private readonly bits: Uint8Array;

  private constructor(
    /** Ordinals a generation has used so far: every ordinal is below this. */
    readonly ordinalLimit: number,
    private readonly sorted: Uint32Array,
  ) {
    this.bits = new Uint8Array(Math.ceil(ordinalLimit / 8));
    for (const ordinal of sorted) this.bits[ordinal >> 3]! |= 1 << (ordinal & 7);
  }

  static of(ordinalLimit: number, ordinals: Iterable<number>): Deletions {
    const sorted = Uint32Array.from(new Set(ordinals)).sort();
    if (sorted.length > 0 && sorted[sorted.length - 1]! >= ordinalLimit)
      throw new RangeError(`deleted ordinal ${sorted[sorted.length - 1]} is not below ${ordinalLimit}`);
    return new Deletions(ordinalLimit, sorted);
  }

  static deserialize(ordinalLimit: number, bytes: Uint8Array): Deletions {
    if (bytes.length % 4 !== 0) throw new RangeError('not a list of u32 ordinals');
    const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
    return Deletions.of(ordinalLimit, new Uint32Array(aligned.buffer, aligned.byteOffset, aligned.length / 4));
  }

  serialize(): Uint8Array {
    return new Uint8Array(this.sorted.buffer, this.sorted.byteOffset, this.sorted.byteLength);
  }

  get count(): number {
    return this.sorted.length;
  }

  has(ordinal: number): boolean {
    return (this.bits[ordinal >> 3]! & (1 << (ordinal & 7))) !== 0;
  }

  /** How many deleted ordinals lie in [from, to). */
  countIn(from: number, to: number): number {
    return lowerBound(this.sorted, to) - lowerBound(this.sorted, from);
  }

  /** These deletions plus `more`, under a (possibly larger) ordinal limit. */
  with(ordinalLimit: number, more: Iterable<number>): Deletions {
    return Deletions.of(ordinalLimit, [...this.sorted, ...more]);
  }
}

function lowerBound(sorted: Uint32Array, value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sorted[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}
