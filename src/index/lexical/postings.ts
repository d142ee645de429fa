import type { Paper } from '../../papers/index.js';
import { analyzeTerm, tokenize } from '../../text/index.js';

/** The fields indexed, in the order their postings are stored. */
export const FIELDS = ['title', 'abstract'] as const;
const MAGIC = 'PSBM';
const FILE_FORMAT = 3;
/** Term frequencies and field lengths are stored in 16 bits; a longer field counts as this long. */
const MAX_COUNT = 0xffff;

/**
 * One field's inverted lists in compressed-sparse-row form: the postings of term t are
 * [starts[t], starts[t + 1]), each a paper's ordinal (ascending) and the term's count in the field.
 */
export interface FieldPostings {
  starts: Uint32Array;
  documents: Uint32Array;
  frequencies: Uint16Array;
  /** Per ordinal of the segment (ordinal − base): distinct tokens in the field, MiniSearch's notion of field length. */
  lengths: Uint16Array;
  /**
   * Per term, what bounds its impacts for dynamic pruning: the pairs of `Postings.impactFrontier`,
   * those of term t at pairs [frontierStarts[t], frontierStarts[t + 1]) of `frontier`.
   */
  frontierStarts: Uint32Array;
  frontier: Uint16Array;
}

interface Header {
  format: number;
  base: number;
  span: number;
  vocabulary: string[];
  fields: Array<{ name: string; postings: number; frontierPairs: number }>;
}

export class PostingsFormatError extends Error {}

/**
 * One segment of BM25 postings: the titles and abstracts (stemmed, without stop-words) of the papers
 * with ordinals [base, base + span), as flat typed arrays. At 100k papers MiniSearch's nested maps
 * took gigabytes and seconds to load, while this file is read in one go and used in place. Also keeps
 * each term's document frequency in the segment, and what bounds its impacts (for pruning queries). A segment is immutable: a build that adds papers
 * writes a new one, and `merge` combines neighbours (Lucene's and tantivy's design). Querying over
 * segments, minus deleted papers, is `bm25.ts`.
 */
export class Postings {
  private readonly termNumbers: Map<string, number>;

  private constructor(
    vocabulary: readonly string[],
    readonly documentFrequency: Uint32Array,
    readonly fields: readonly FieldPostings[],
    /** The first ordinal the segment covers. */
    readonly base: number,
    /** How many ordinals it covers (papers it holds, deleted ones included). */
    readonly span: number,
  ) {
    this.termNumbers = new Map(vocabulary.map((term, i) => [term, i]));
  }

  /**
   * The (occurrences, field length) pairs of term `n`'s postings in field `f` that no other of them
   * beats on both counts (more occurrences, shorter field), interleaved: a BM25 impact grows with the
   * one and shrinks with the other, so whatever the average length, the list's largest is at one of them.
   */
  impactFrontier(f: number, n: number): Uint16Array {
    const { frontierStarts, frontier } = this.fields[f]!;
    return frontier.subarray(2 * frontierStarts[n]!, 2 * frontierStarts[n + 1]!);
  }

  /** The number of an analyzed term in the vocabulary, if any paper has it. */
  termNumber(term: string): number | undefined {
    return this.termNumbers.get(term);
  }

  get vocabulary(): IterableIterator<string> {
    return this.termNumbers.keys();
  }

  /** Postings of `papers`, the first at ordinal `base`, the others after it. */
  static build(papers: readonly Paper[], base = 0): Postings {
    const termNumbers = new Map<string, number>();
    const numberOf = (term: string) => {
      let n = termNumbers.get(term);
      if (n === undefined) {
        n = termNumbers.size;
        termNumbers.set(term, n);
      }
      return n;
    };
    const lists = FIELDS.map(() => ({
      documents: [] as number[][],
      frequencies: [] as number[][],
      lengths: new Uint16Array(papers.length),
    }));
    const documentFrequency: number[] = [];
    papers.forEach((paper, ordinal) => {
      const seen = new Set<number>();
      FIELDS.forEach((field, f) => {
        const tokens = tokenize(paper[field]);
        lists[f]!.lengths[ordinal] = Math.min(new Set(tokens).size, MAX_COUNT);
        const counts = new Map<number, number>();
        for (const token of tokens) {
          const term = analyzeTerm(token);
          if (term === null) continue;
          const n = numberOf(term);
          counts.set(n, (counts.get(n) ?? 0) + 1);
        }
        for (const [term, count] of counts) {
          const list = lists[f]!;
          list.documents[term] ??= [];
          list.documents[term].push(base + ordinal);
          list.frequencies[term] ??= [];
          list.frequencies[term].push(Math.min(count, MAX_COUNT));
          seen.add(term);
        }
      });
      for (const term of seen) documentFrequency[term] = (documentFrequency[term] ?? 0) + 1;
    });
    const vocabularySize = termNumbers.size;
    const fields = lists.map(({ documents, frequencies, lengths }) => flatten(vocabularySize, documents, frequencies, lengths, base));
    return new Postings(
      [...termNumbers.keys()],
      Uint32Array.from({ length: vocabularySize }, (_, t) => documentFrequency[t] ?? 0),
      fields,
      base,
      papers.length,
    );
  }

  /**
   * One segment holding what `segments` (neighbours, in ordinal order) hold, without the papers
   * `isDeleted` names: the merge that keeps the number of segments small and drops deleted postings.
   */
  static merge(segments: readonly Postings[], isDeleted: (ordinal: number) => boolean): Postings {
    const base = segments[0]?.base ?? 0;
    const span = segments.reduce((end, segment) => Math.max(end, segment.base + segment.span), base) - base;
    const vocabulary = [...new Set(segments.flatMap((segment) => [...segment.vocabulary]))];
    const fields = FIELDS.map((_, f) => {
      const documents: number[][] = [];
      const frequencies: number[][] = [];
      const lengths = new Uint16Array(span);
      for (const segment of segments) {
        const field = segment.fields[f]!;
        for (let i = 0; i < segment.span; i++) if (!isDeleted(segment.base + i)) lengths[segment.base - base + i] = field.lengths[i]!;
      }
      vocabulary.forEach((term, t) => {
        const keptDocuments: number[] = [];
        const keptFrequencies: number[] = [];
        for (const segment of segments) {
          const n = segment.termNumber(term);
          if (n === undefined) continue;
          const field = segment.fields[f]!;
          for (let i = field.starts[n]!; i < field.starts[n + 1]!; i++) {
            if (isDeleted(field.documents[i]!)) continue;
            keptDocuments.push(field.documents[i]!);
            keptFrequencies.push(field.frequencies[i]!);
          }
        }
        documents[t] = keptDocuments;
        frequencies[t] = keptFrequencies;
      });
      return flatten(vocabulary.length, documents, frequencies, lengths, base);
    });
    // A term's papers in one field or the other, counted once: both lists are ascending.
    const documentFrequency = Uint32Array.from(vocabulary, (_, t) => countUnion(fields.map((field) => listOf(field, t))));
    const used = vocabulary.map((_, t) => documentFrequency[t]! > 0);
    if (used.every(Boolean)) return new Postings(vocabulary, documentFrequency, fields, base, span);
    // Terms only deleted papers had are dropped, so the vocabulary does not grow with every removal.
    const keep = vocabulary.flatMap((_, t) => (used[t] ? [t] : []));
    return new Postings(
      keep.map((t) => vocabulary[t]!),
      Uint32Array.from(keep, (t) => documentFrequency[t]!),
      fields.map((field) =>
        flatten(
          keep.length,
          keep.map((t) => [...listOf(field, t).documents]),
          keep.map((t) => [...listOf(field, t).frequencies]),
          field.lengths,
          base,
        ),
      ),
      base,
      span,
    );
  }

  /**
   * Layout: "PSBM", header length (u32 LE), JSON header (vocabulary, counts), then 4-byte-aligned
   * arrays: document frequencies, and per field its starts, documents, lengths, frequencies, frontier
   * starts and frontier.
   */
  serialize(): Uint8Array {
    const header: Header = {
      format: FILE_FORMAT,
      base: this.base,
      span: this.span,
      vocabulary: [...this.termNumbers.keys()],
      fields: this.fields.map((field, f) => ({
        name: FIELDS[f]!,
        postings: field.documents.length,
        frontierPairs: field.frontier.length / 2,
      })),
    };
    const arrays = [
      this.documentFrequency,
      ...this.fields.flatMap((field) => [
        field.starts,
        field.documents,
        field.lengths,
        field.frequencies,
        field.frontierStarts,
        field.frontier,
      ]),
    ];
    const headerBytes = new TextEncoder().encode(JSON.stringify(header));
    const parts: Uint8Array[] = [new TextEncoder().encode(MAGIC), new Uint8Array(Uint32Array.of(headerBytes.length).buffer), headerBytes];
    let length = 8 + headerBytes.length;
    for (const array of arrays) {
      const padding = (4 - (length % 4)) % 4;
      parts.push(new Uint8Array(padding), new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
      length += padding + array.byteLength;
    }
    const bytes = new Uint8Array(length);
    let offset = 0;
    for (const part of parts) {
      bytes.set(part, offset);
      offset += part.length;
    }
    return bytes;
  }

  /** Reads a serialized index, using the bytes in place (they must not be modified afterwards). */
  static deserialize(source: Uint8Array): Postings {
    const bytes: Uint8Array = source.byteOffset % 4 === 0 ? source : source.slice();
    const fail = (why: string): never => {
      throw new PostingsFormatError(`not a lexical index of format ${FILE_FORMAT} (${why})`);
    };
    if (bytes.length < 8 || new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC) fail('bad magic');
    const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true);
    let header: Header;
    try {
      header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Header;
    } catch {
      return fail('unreadable header');
    }
    if (header.format !== FILE_FORMAT || header.fields?.length !== FIELDS.length) fail(`header says format ${header.format}`);
    let offset = 8 + headerLength;
    const take = <T extends Uint16Array | Uint32Array>(
      View: { new (buffer: ArrayBuffer, offset: number, length: number): T; BYTES_PER_ELEMENT: number },
      count: number,
    ): T => {
      offset += (4 - (offset % 4)) % 4;
      if (offset + count * View.BYTES_PER_ELEMENT > bytes.length) fail('truncated');
      const view = new View(bytes.buffer as ArrayBuffer, bytes.byteOffset + offset, count);
      offset += count * View.BYTES_PER_ELEMENT;
      return view;
    };
    const vocabularySize = header.vocabulary.length;
    const documentFrequency = take(Uint32Array, vocabularySize);
    const fields = header.fields.map(({ postings, frontierPairs }) => ({
      starts: take(Uint32Array, vocabularySize + 1),
      documents: take(Uint32Array, postings),
      lengths: take(Uint16Array, header.span),
      frequencies: take(Uint16Array, postings),
      frontierStarts: take(Uint32Array, vocabularySize + 1),
      frontier: take(Uint16Array, 2 * frontierPairs),
    }));
    if (offset !== bytes.length) fail('trailing bytes');
    return new Postings(header.vocabulary, documentFrequency, fields, header.base, header.span);
  }
}

function flatten(
  vocabularySize: number,
  documents: number[][],
  frequencies: number[][],
  lengths: Uint16Array,
  base: number,
): FieldPostings {
  const starts = new Uint32Array(vocabularySize + 1);
  for (let t = 0; t < vocabularySize; t++) starts[t + 1] = starts[t]! + (documents[t]?.length ?? 0);
  const flatDocuments = new Uint32Array(starts[vocabularySize]!);
  const flatFrequencies = new Uint16Array(starts[vocabularySize]!);
  const frontierStarts = new Uint32Array(vocabularySize + 1);
  const frontier: number[] = [];
  const shortest = new Uint32Array(MAX_COUNT + 1).fill(NONE);
  for (let t = 0; t < vocabularySize; t++) {
    flatDocuments.set(documents[t] ?? [], starts[t]!);
    flatFrequencies.set(frequencies[t] ?? [], starts[t]!);
    appendFrontier(documents[t] ?? [], frequencies[t] ?? [], lengths, base, shortest, frontier);
    frontierStarts[t + 1] = frontier.length / 2;
  }
  return { starts, documents: flatDocuments, frequencies: flatFrequencies, lengths, frontierStarts, frontier: Uint16Array.from(frontier) };
}

/** No field length: above any stored one. */
const NONE = MAX_COUNT + 1;

/**
 * Appends to `frontier` the (occurrences, field length) pairs of one list that `Postings.impactFrontier`
 * returns, most occurrences first. `shortest` (per occurrence count, the shortest field seen with it)
 * is all NONE before and after.
 */
function appendFrontier(
  documents: readonly number[],
  frequencies: readonly number[],
  lengths: Uint16Array,
  base: number,
  shortest: Uint32Array,
  frontier: number[],
): void {
  const counts: number[] = [];
  documents.forEach((ordinal, i) => {
    const count = frequencies[i]!;
    if (shortest[count] === NONE) counts.push(count);
    shortest[count] = Math.min(shortest[count]!, lengths[ordinal - base]!);
  });
  let shortestSoFar = NONE;
  for (const count of counts.sort((a, b) => b - a)) {
    if (shortest[count]! < shortestSoFar) {
      shortestSoFar = shortest[count]!;
      frontier.push(count, shortestSoFar);
    }
    shortest[count] = NONE;
  }
}

function listOf(field: FieldPostings, term: number): { documents: Uint32Array; frequencies: Uint16Array } {
  const start = field.starts[term]!;
  const end = field.starts[term + 1]!;
  return { documents: field.documents.subarray(start, end), frequencies: field.frequencies.subarray(start, end) };
}

/** Distinct ordinals over ascending lists. */
function countUnion(lists: ReadonlyArray<{ documents: Uint32Array }>): number {
  const [a, b] = lists.map((list) => list.documents) as [Uint32Array, Uint32Array];
  let count = 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i]! < b[j]!)) i++;
    else if (i >= a.length || b[j]! < a[i]!) j++;
    else {
      i++;
      j++;
    }
    count++;
  }
  return count;
}
