import type { Paper } from '../../papers/index.js';
import { analyzeTerm, tokenize } from '../../text/index.js';

/** The fields indexed, in the order their postings are stored. */
export const FIELDS = ['title', 'abstract'] as const;
const MAGIC = 'PSBM';
const FILE_FORMAT = 1;
/** Term frequencies and field lengths are stored in 16 bits; a longer field counts as this long. */
const MAX_COUNT = 0xffff;

/** One field's inverted lists in compressed-sparse-row form: the postings of term t are [starts[t], starts[t + 1]). */
export interface FieldPostings {
  starts: Uint32Array;
  documents: Uint32Array;
  frequencies: Uint16Array;
  /** Per paper: distinct tokens in the field, MiniSearch's notion of field length. */
  lengths: Uint16Array;
  averageLength: number;
}

interface Header {
  format: number;
  documentCount: number;
  vocabulary: string[];
  fields: Array<{ name: string; postings: number; averageLength: number }>;
}

export class PostingsFormatError extends Error {}

/**
 * The BM25 postings of titles and abstracts (stemmed, without stop-words) as flat typed arrays: at
 * 100k papers MiniSearch's nested maps took gigabytes and seconds to load, while this file is read in
 * one go and used in place. Also keeps each term's document frequency. Querying is `bm25.ts`.
 */
export class Postings {
  private readonly termNumbers: Map<string, number>;

  private constructor(
    vocabulary: readonly string[],
    readonly documentFrequency: Uint32Array,
    readonly fields: readonly FieldPostings[],
    readonly documentCount: number,
  ) {
    this.termNumbers = new Map(vocabulary.map((term, i) => [term, i]));
  }

  /** The number of an analyzed term in the vocabulary, if any paper has it. */
  termNumber(term: string): number | undefined {
    return this.termNumbers.get(term);
  }

  static build(papers: readonly Paper[]): Postings {
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
          list.documents[term].push(ordinal);
          list.frequencies[term] ??= [];
          list.frequencies[term].push(Math.min(count, MAX_COUNT));
          seen.add(term);
        }
      });
      for (const term of seen) documentFrequency[term] = (documentFrequency[term] ?? 0) + 1;
    });
    const vocabularySize = termNumbers.size;
    const fields = lists.map(({ documents, frequencies, lengths }): FieldPostings => {
      const starts = new Uint32Array(vocabularySize + 1);
      for (let t = 0; t < vocabularySize; t++) starts[t + 1] = starts[t]! + (documents[t]?.length ?? 0);
      const flatDocuments = new Uint32Array(starts[vocabularySize]!);
      const flatFrequencies = new Uint16Array(starts[vocabularySize]!);
      for (let t = 0; t < vocabularySize; t++) {
        flatDocuments.set(documents[t] ?? [], starts[t]!);
        flatFrequencies.set(frequencies[t] ?? [], starts[t]!);
      }
      const averageLength = papers.length === 0 ? 0 : lengths.reduce((sum, length) => sum + length, 0) / papers.length;
      return { starts, documents: flatDocuments, frequencies: flatFrequencies, lengths, averageLength };
    });
    return new Postings(
      [...termNumbers.keys()],
      Uint32Array.from({ length: vocabularySize }, (_, t) => documentFrequency[t] ?? 0),
      fields,
      papers.length,
    );
  }

  /**
   * Layout: "PSBM", header length (u32 LE), JSON header (vocabulary, counts), then 4-byte-aligned
   * arrays: document frequencies, and per field its starts, documents, lengths and frequencies.
   */
  serialize(): Uint8Array {
    const header: Header = {
      format: FILE_FORMAT,
      documentCount: this.documentCount,
      vocabulary: [...this.termNumbers.keys()],
      fields: this.fields.map((field, f) => ({ name: FIELDS[f]!, postings: field.documents.length, averageLength: field.averageLength })),
    };
    const arrays = [
      this.documentFrequency,
      ...this.fields.flatMap((field) => [field.starts, field.documents, field.lengths, field.frequencies]),
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
    const fields = header.fields.map(({ postings, averageLength }) => ({
      starts: take(Uint32Array, vocabularySize + 1),
      documents: take(Uint32Array, postings),
      lengths: take(Uint16Array, header.documentCount),
      frequencies: take(Uint16Array, postings),
      averageLength,
    }));
    if (offset !== bytes.length) fail('trailing bytes');
    return new Postings(header.vocabulary, documentFrequency, fields, header.documentCount);
  }
}
