import type { LexicalHit } from '../../src/index/index.js';
import type { LexicalRetriever, PaperStore, SearchableIndex } from '../../src/search/index.js';
import { analyze, analyzeTerm, tokenize } from '../../src/text/index.js';

/**
 * BM25 as the product does not score it, for `npm run eval -- --variants`: an exhaustive scorer over
 * every live paper (fine for the labelled libraries, hundreds to a thousand papers), plugged in as the
 * index's lexical retriever. At `PRODUCT_BM25` it ranks as the product's index does (a test checks it),
 * so a variant's difference is the setting's, not the scorer's.
 */
export interface Bm25Variant {
  /** Term-frequency saturation. */
  k1: number;
  /** Length normalisation. */
  b: number;
  /**
   * `separate`: BM25+ per field, each with its own document frequencies, the title's scaled by the title
   * boost, summed (what the product does, as MiniSearch does). `mixed`: BM25F, the fields' length-normalised
   * frequencies added (the title's times the title boost) before one saturation, with one document frequency.
   */
  fields: 'separate' | 'mixed';
  /**
   * A paper's sum is multiplied by how many of the query's terms it matched (`count`, as the product and
   * MiniSearch do), by that count weighted by the terms' idf (`idf`: matching a rare term counts for more),
   * or not at all (`none`).
   */
  matchedFactor: 'count' | 'idf' | 'none';
}

export const PRODUCT_BM25: Bm25Variant = { k1: 1.2, b: 0.7, fields: 'separate', matchedFactor: 'count' };
/** BM25+'s floor for a matched term, as the product's. */
const DELTA = 0.5;
const FIELDS = ['title', 'abstract'] as const;

interface FieldStatistics {
  /** Per live paper (in `liveOrdinals` order): analyzed term → occurrences. */
  frequencies: Array<Map<string, number>>;
  /** Per live paper: the field's length in distinct tokens, as MiniSearch counts it. */
  lengths: Float64Array;
  averageLength: number;
  documentFrequency: Map<string, number>;
}

/** What the scorer reads: the live papers' text. */
type Library = Pick<PaperStore, 'liveOrdinals' | 'paper'>;

function fieldStatistics(index: Library, ordinals: Uint32Array, field: (typeof FIELDS)[number]): FieldStatistics {
  const documentFrequency = new Map<string, number>();
  const lengths = new Float64Array(ordinals.length);
  const frequencies = Array.from(ordinals, (ordinal, i) => {
    const tokens = tokenize(index.paper(ordinal)[field]);
    lengths[i] = new Set(tokens).size;
    const counts = new Map<string, number>();
    for (const token of tokens) {
      const term = analyzeTerm(token);
      if (term !== null) counts.set(term, (counts.get(term) ?? 0) + 1);
    }
    for (const term of counts.keys()) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
    return counts;
  });
  return {
    frequencies,
    lengths,
    averageLength: lengths.reduce((sum, length) => sum + length, 0) / Math.max(1, ordinals.length),
    documentFrequency,
  };
}

/** An exhaustive BM25 retriever over the index's live papers, scored as `variant` says. */
export function referenceLexical(index: Library, variant: Bm25Variant): LexicalRetriever {
  const ordinals = index.liveOrdinals();
  const count = ordinals.length;
  const fields = FIELDS.map((field) => fieldStatistics(index, ordinals, field));
  const anyField = new Map<string, number>();
  for (let i = 0; i < count; i++)
    for (const term of new Set([...fields[0]!.frequencies[i]!.keys(), ...fields[1]!.frequencies[i]!.keys()]))
      anyField.set(term, (anyField.get(term) ?? 0) + 1);
  const idfOf = (df: number) => Math.log(1 + (count - df + 0.5) / (df + 0.5));
  const normalised = (f: number, i: number) => 1 - variant.b + (variant.b * fields[f]!.lengths[i]!) / fields[f]!.averageLength;

  return {
    idf: (term) => idfOf(anyField.get(term) ?? 0),
    documentFrequency: (term) => anyField.get(term) ?? 0,
    query(text, limit, titleBoost, allow): LexicalHit[] {
      const occurrences = new Map<string, number>();
      for (const term of analyze(text)) occurrences.set(term, (occurrences.get(term) ?? 0) + 1);
      const terms = [...occurrences.keys()];
      const boosts = [titleBoost, 1];
      const totalIdf = terms.reduce((sum, term) => sum + idfOf(anyField.get(term) ?? 0), 0);
      const hits: LexicalHit[] = [];
      for (let i = 0; i < count; i++) {
        const ordinal = ordinals[i]!;
        if (allow && !allow(ordinal)) continue;
        let sum = 0;
        let matched = 0;
        let matchedIdf = 0;
        for (const term of terms) {
          const inField = fields.map((field) => field.frequencies[i]!.get(term) ?? 0);
          if (inField.every((frequency) => frequency === 0)) continue;
          matched++;
          matchedIdf += idfOf(anyField.get(term) ?? 0);
          const weight = occurrences.get(term)!;
          if (variant.fields === 'separate') {
            inField.forEach((frequency, f) => {
              if (frequency === 0) return;
              const gain = DELTA + (frequency * (variant.k1 + 1)) / (frequency + variant.k1 * normalised(f, i));
              sum += weight * boosts[f]! * idfOf(fields[f]!.documentFrequency.get(term) ?? 0) * gain;
            });
          } else {
            const frequency = inField.reduce((total, frequency, f) => total + (boosts[f]! * frequency) / normalised(f, i), 0);
            sum += weight * idfOf(anyField.get(term)!) * (DELTA + (frequency * (variant.k1 + 1)) / (frequency + variant.k1));
          }
        }
        if (matched === 0) continue;
        const factor =
          variant.matchedFactor === 'count' ? matched : variant.matchedFactor === 'idf' ? (terms.length * matchedIdf) / totalIdf : 1;
        hits.push({ ordinal, score: sum * factor, coverage: matched / terms.length });
      }
      return hits.sort((a, b) => b.score - a.score || a.ordinal - b.ordinal).slice(0, limit);
    },
  };
}

/** The index with its lexical retriever replaced: everything else (papers, vectors, HNSW) is the index's own. */
export function withLexical(index: SearchableIndex, lexical: LexicalRetriever): SearchableIndex {
  return new Proxy(index, { get: (target, key) => (key === 'lexical' ? lexical : Reflect.get(target, key, target)) });
}

/** A variant's view of an index, built once per index however many engines search it. */
export function lexicalVariant(variant: Bm25Variant): (index: SearchableIndex) => SearchableIndex {
  const views = new WeakMap<SearchableIndex, SearchableIndex>();
  return (index) => {
    let view = views.get(index);
    if (!view) {
      view = withLexical(index, referenceLexical(index, variant));
      views.set(index, view);
    }
    return view;
  };
}
