import type { Paper } from '../papers/index.js';
import { analyze, analyzeTerm, tokenize } from './analyzer.js';

export interface LexicalHit {
  ordinal: number;
  score: number;
  /** Fraction of the query's distinct terms this paper contains. */
  coverage: number;
}

const FIELDS = ['title', 'abstract'] as const;
/** BM25+ parameters (MiniSearch's defaults, which the fusion weights were tuned on). */
const BM25 = { k: 1.2, b: 0.7, delta: 0.5 };
const MAGIC = 'PSBM';
const FILE_FORMAT = 1;
/** Term frequencies and field lengths are stored in 16 bits; a longer field counts as this long. */
const MAX_COUNT = 0xffff;

/** One field's inverted lists in compressed-sparse-row form: the postings of term t are [starts[t], starts[t + 1]). */
interface FieldPostings {
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

export class LexicalFormatError extends Error {}

/**
 * BM25 over titles and abstracts, with stemming and stop-words, scored exactly as MiniSearch scores
 * them (BM25+ per field, a title boost, times the number of query terms matched), but stored as flat
 * typed arrays: at 100k papers MiniSearch's nested maps took gigabytes and seconds to load, while
 * this file is read in one go and used in place. Also keeps each term's document frequency, for
 * idf-weighted snippets.
 */
export class LexicalIndex {
  private readonly termNumbers: Map<string, number>;
  /** Per-query scratch space, reused because queries run one at a time on the event loop. */
  private readonly scores: Float64Array;
  private readonly matchedTerms: Uint32Array;
  private readonly lastTerm: Int32Array;

  private constructor(
    vocabulary: readonly string[],
    private readonly documentFrequency: Uint32Array,
    private readonly fields: readonly FieldPostings[],
    readonly documentCount: number,
  ) {
    this.termNumbers = new Map(vocabulary.map((term, i) => [term, i]));
    this.scores = new Float64Array(documentCount);
    this.matchedTerms = new Uint32Array(documentCount);
    this.lastTerm = new Int32Array(documentCount).fill(-1);
  }

  static build(papers: readonly Paper[]): LexicalIndex {
    const termNumbers = new Map<string, number>();
    const numberOf = (term: string) => {
      let n = termNumbers.get(term);
      if (n === undefined) termNumbers.set(term, (n = termNumbers.size));
      return n;
    };
    const lists = FIELDS.map(() => ({ documents: [] as number[][], frequencies: [] as number[][], lengths: new Uint16Array(papers.length) }));
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
          (lists[f]!.documents[term] ??= []).push(ordinal);
          (lists[f]!.frequencies[term] ??= []).push(Math.min(count, MAX_COUNT));
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
    return new LexicalIndex([...termNumbers.keys()], Uint32Array.from({ length: vocabularySize }, (_, t) => documentFrequency[t] ?? 0), fields, papers.length);
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
    const arrays = [this.documentFrequency, ...this.fields.flatMap((field) => [field.starts, field.documents, field.lengths, field.frequencies])];
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
  static deserialize(source: Uint8Array): LexicalIndex {
    const bytes: Uint8Array = source.byteOffset % 4 === 0 ? source : source.slice();
    const fail = (why: string): never => {
      throw new LexicalFormatError(`not a lexical index of format ${FILE_FORMAT} (${why})`);
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
    const take = <T extends Uint16Array | Uint32Array>(View: { new (buffer: ArrayBuffer, offset: number, length: number): T; BYTES_PER_ELEMENT: number }, count: number): T => {
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
    return new LexicalIndex(header.vocabulary, documentFrequency, fields, header.documentCount);
  }

  /** Inverse document frequency of an analyzed term; unseen terms count as rare. */
  idf(term: string): number {
    const n = this.termNumbers.get(term);
    const df = n === undefined ? 0 : this.documentFrequency[n]!;
    return Math.log(1 + (this.documentCount - df + 0.5) / (df + 0.5));
  }

  /** BM25 hits, best first (ties by ordinal); `titleBoost` weighs a title match relative to an abstract match. */
  query(text: string, limit: number, titleBoost: number): LexicalHit[] {
    const terms = analyze(text);
    const distinctTerms = new Set(terms).size;
    if (distinctTerms === 0) return [];
    // A repeated query term counts once per occurrence, as in MiniSearch.
    const occurrences = new Map<number, number>();
    for (const term of terms) {
      const n = this.termNumbers.get(term);
      if (n !== undefined) occurrences.set(n, (occurrences.get(n) ?? 0) + 1);
    }
    const boosts = [titleBoost, 1];
    const { scores, matchedTerms, lastTerm } = this;
    const touched: number[] = [];
    for (const [term, multiplicity] of occurrences) {
      this.fields.forEach((field, f) => {
        const start = field.starts[term]!;
        const end = field.starts[term + 1]!;
        const matching = end - start;
        const idf = Math.log(1 + (this.documentCount - matching + 0.5) / (matching + 0.5));
        const weight = multiplicity * boosts[f]! * idf;
        const { k, b, delta } = BM25;
        for (let i = start; i < end; i++) {
          const ordinal = field.documents[i]!;
          const tf = field.frequencies[i]!;
          scores[ordinal]! += weight * (delta + (tf * (k + 1)) / (tf + k * (1 - b + (b * field.lengths[ordinal]!) / field.averageLength)));
          if (lastTerm[ordinal] !== term) {
            if (matchedTerms[ordinal] === 0) touched.push(ordinal);
            lastTerm[ordinal] = term;
            matchedTerms[ordinal]!++;
          }
        }
      });
    }
    const best = new TopK(limit);
    for (const ordinal of touched) best.offer(ordinal, scores[ordinal]! * matchedTerms[ordinal]!);
    const hits = best.sorted().map(({ ordinal, score }) => ({ ordinal, score, coverage: matchedTerms[ordinal]! / distinctTerms }));
    for (const ordinal of touched) {
      scores[ordinal] = 0;
      matchedTerms[ordinal] = 0;
      lastTerm[ordinal] = -1;
    }
    return hits;
  }
}

/** The `limit` highest scores seen, kept in a binary min-heap so that most offers cost one comparison. */
class TopK {
  private readonly heap: Array<{ ordinal: number; score: number }> = [];

  constructor(private readonly limit: number) {}

  offer(ordinal: number, score: number): void {
    const { heap } = this;
    if (heap.length < this.limit) {
      heap.push({ ordinal, score });
      for (let i = heap.length - 1; i > 0 && worse(heap[i]!, heap[(i - 1) >> 1]!); i = (i - 1) >> 1) swap(heap, i, (i - 1) >> 1);
    } else if (this.limit > 0 && worse(heap[0]!, { ordinal, score })) {
      heap[0] = { ordinal, score };
      for (let i = 0; ; ) {
        const left = 2 * i + 1;
        const smallest = [left, left + 1].filter((c) => c < heap.length).reduce((s, c) => (worse(heap[c]!, heap[s]!) ? c : s), i);
        if (smallest === i) break;
        swap(heap, i, smallest);
        i = smallest;
      }
    }
  }

  sorted(): Array<{ ordinal: number; score: number }> {
    return [...this.heap].sort((a, b) => (worse(a, b) ? 1 : -1));
  }
}

/** Lower score, or the same score and a later ordinal. */
function worse(a: { ordinal: number; score: number }, b: { ordinal: number; score: number }): boolean {
  return a.score < b.score || (a.score === b.score && a.ordinal > b.ordinal);
}

function swap<T>(array: T[], i: number, j: number): void {
  [array[i], array[j]] = [array[j]!, array[i]!];
}
