import { LRUCache } from 'lru-cache';
import type { Paper } from '../papers/index.js';
import { analyzeWithSpans, sentenceSpans, type TermSpan } from '../text/index.js';
import { dot, type Ranking } from './modes/context.js';
import type { Encoder } from './ports.js';

/** The passage of a paper nearest the query in meaning: its title, or one sentence of its abstract. */
export interface BestPassage {
  field: 'title' | 'abstract';
  /** Character range in that field (UTF-16 offsets, end exclusive). */
  start: number;
  end: number;
  /** Cosine similarity between the query and the passage. */
  similarity: number;
}

/** Why a paper is in an answer. */
export interface Explanation {
  /** The query's analyzed terms found in the title or abstract, in the query's order. */
  terms: string[];
  /** Where they stand in the title and in the abstract, as written there. */
  title: TermSpan[];
  abstract: TermSpan[];
  /** 1-based rank in the lists the mode consulted; null when absent from a list or the mode did not consult it. */
  lexicalRank: number | null;
  denseRank: number | null;
  /** Found only when asked for (it embeds every sentence of the results); null otherwise. */
  passage: BestPassage | null;
  /** Where the snippet starts in the abstract (the snippet is a slice of it, up to a trailing " …"). */
  snippetStart: number;
}

/** The query's terms in a paper's title and abstract, with where each occurrence stands. */
export function matchedTerms(paper: Paper, queryTerms: readonly string[]): Pick<Explanation, 'terms' | 'title' | 'abstract'> {
  const wanted = new Set(queryTerms);
  const spansIn = (text: string) => (wanted.size === 0 ? [] : analyzeWithSpans(text).filter((span) => wanted.has(span.term)));
  const title = spansIn(paper.title);
  const abstract = spansIn(paper.abstract);
  const found = new Set([...title, ...abstract].map((span) => span.term));
  return { terms: [...wanted].filter((term) => found.has(term)), title, abstract };
}

/** The matched words as written, lower-cased, each once: what `matched_words` lists. */
export function matchedWords(paper: Paper, explanation: Pick<Explanation, 'title' | 'abstract'>): string[] {
  const words = new Set<string>();
  for (const span of explanation.title) words.add(paper.title.slice(span.start, span.end).toLowerCase());
  for (const span of explanation.abstract) words.add(paper.abstract.slice(span.start, span.end).toLowerCase());
  return [...words];
}

/** A paper's 1-based rank in each list of a ranking (null when absent). */
export function listRanks(lists: Ranking['lists']): (ordinal: number) => Pick<Explanation, 'lexicalRank' | 'denseRank'> {
  const positions = (list: readonly number[] | undefined) => new Map(list?.map((ordinal, i) => [ordinal, i + 1]));
  const lexical = positions(lists?.lexical);
  const dense = positions(lists?.dense);
  return (ordinal) => ({ lexicalRank: lexical.get(ordinal) ?? null, denseRank: dense.get(ordinal) ?? null });
}

/** Memory for passage vectors: 384 float32 per sentence, about ten sentences a paper. */
export const PASSAGE_CACHE_BYTES = 32 * 1024 * 1024;

/**
 * Finds each result's passage nearest the query in meaning. It embeds the title and every sentence of the
 * abstract (measured on the seed corpus: about 90 passages and 0.3–0.6 s for 10 results with the int8 model,
 * which embeds one text per pass), so it runs only when asked for; a paper's passage vectors are kept, by
 * its text, for the next answer it appears in.
 */
export class PassageMatcher {
  private readonly vectors: LRUCache<string, Float32Array[]>;

  constructor(
    private readonly encoder: Encoder,
    cacheBytes = PASSAGE_CACHE_BYTES,
  ) {
    this.vectors = new LRUCache({
      maxSize: cacheBytes,
      sizeCalculation: (vectors, key) => key.length * 2 + vectors.reduce((bytes, vector) => bytes + vector.byteLength + 64, 64),
    });
  }

  async best(papers: readonly Paper[], queryVector: Float32Array): Promise<Array<BestPassage | null>> {
    return Promise.all(
      papers.map(async (paper) => {
        const passages = passagesOf(paper);
        const vectors = await this.vectorsOf(paper, passages);
        let best: BestPassage | null = null;
        passages.forEach((passage, i) => {
          const similarity = dot(queryVector, vectors[i]!);
          if (best === null || similarity > best.similarity) best = { ...passage, similarity };
        });
        return best;
      }),
    );
  }

  private async vectorsOf(paper: Paper, passages: ReturnType<typeof passagesOf>): Promise<Float32Array[]> {
    const key = `${paper.title}\n${paper.abstract}`;
    let vectors = this.vectors.get(key);
    if (!vectors) {
      vectors = await Promise.all(passages.map((passage) => this.encoder.embedLong(passageText(paper, passage))));
      this.vectors.set(key, vectors);
    }
    return vectors;
  }
}

/** A paper's passages: its title and each sentence of its abstract. */
function passagesOf(paper: Paper): Array<Omit<BestPassage, 'similarity'>> {
  const title = paper.title.trim() === '' ? [] : [{ field: 'title' as const, start: 0, end: paper.title.length }];
  return [...title, ...sentenceSpans(paper.abstract).map((span) => ({ field: 'abstract' as const, ...span }))];
}

function passageText(paper: Paper, passage: Omit<BestPassage, 'similarity'>): string {
  return paper[passage.field].slice(passage.start, passage.end);
}
