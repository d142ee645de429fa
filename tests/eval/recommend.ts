import { DEFAULT_RECOMMEND_MODE, RECOMMEND_MODES, type RecommendMode } from '../../src/contract/values.js';
import type { SearchEngine } from '../../src/search/index.js';
import type { EvalCollection, EvalQuery } from './collections.js';
import { DEPTH } from './evaluate.js';
import { evaluateRanking, summarize, type Judgments, type MetricScores } from './metrics.js';

/**
 * Recommendation quality: for every labelled query with at least `MIN_RELEVANT` relevant papers, a
 * researcher who liked two of them should be recommended the others. Liked (and disliked) papers are
 * left out of the judgments, and never ranked by the engine. Each query is drawn `DRAWS` times (which
 * two are liked, which paper is disliked) from a generator seeded by the query id, so runs repeat.
 */
export const MIN_RELEVANT = 4;
export const LIKED = 2;
export const DRAWS = 5;
const RELEVANT_GRADE = 1;

/** The engine's methods, and the single-paper baseline: the engine's similar papers of the first liked paper. */
export const SIMILAR_BASELINE = 'similar (1st liked)';
export const RECOMMEND_METHODS = [...RECOMMEND_MODES, SIMILAR_BASELINE] as const;
export type RecommendMethod = (typeof RECOMMEND_METHODS)[number];

/** One simulated researcher: what they marked, and what is left to find. */
export interface RecommendCase {
  query: string;
  liked: string[];
  /** A paper relevant to an unrelated query, marked "not for me" (the variant with a disliked paper). */
  disliked: string;
  judgments: Judgments;
}

export interface RecommendReport {
  collection: string;
  /** Queries with enough relevant papers, and cases drawn from them. */
  queries: number;
  cases: number;
  /** Method → metrics, without and with the disliked paper. */
  plain: Record<RecommendMethod, MetricScores>;
  withDisliked: Record<RecommendMethod, MetricScores>;
}

const relevantOf = (query: EvalQuery) =>
  [...query.judgments]
    .filter(([, grade]) => grade >= RELEVANT_GRADE)
    .map(([id]) => id)
    .sort();

/** The simulated researchers of a labelled set. */
export function recommendCases(collection: EvalCollection, draws = DRAWS): RecommendCase[] {
  const cases: RecommendCase[] = [];
  for (const query of collection.queries) {
    const relevant = relevantOf(query);
    if (relevant.length < MIN_RELEVANT) continue;
    // Queries sharing no judged paper with this one; a paper they find relevant is off this researcher's topic.
    const unrelated = collection.queries.filter(
      (other) => other !== query && relevantOf(other).every((id) => !query.judgments.has(id)) && relevantOf(other).length > 0,
    );
    for (let draw = 0; draw < draws; draw++) {
      const salt = `${query.id}/${draw}`;
      const liked = drawn(relevant, salt).slice(0, LIKED);
      const other = drawn(unrelated, salt, (q) => q.id)[0];
      if (!other) throw new Error(`${collection.name}: query ${query.id} has no unrelated query to draw a disliked paper from`);
      const disliked = drawn(relevantOf(other), salt)[0]!;
      const judgments = new Map([...query.judgments].filter(([id]) => !liked.includes(id)));
      cases.push({ query: query.id, liked, disliked, judgments });
    }
  }
  return cases;
}

/** Paper ids recommended by a method for a case, best first, `DEPTH` of them. */
async function recommended(engine: SearchEngine, method: RecommendMethod, liked: string[], disliked: string[]): Promise<string[]> {
  if (method === SIMILAR_BASELINE) {
    const marked = new Set([...liked, ...disliked]);
    const answer = await engine.similarToPaper(liked[0]!, { k: DEPTH + marked.size });
    return answer.hits
      .map((hit) => hit.paper.id)
      .filter((id) => !marked.has(id))
      .slice(0, DEPTH);
  }
  const answer = await engine.recommend({ liked, disliked, k: DEPTH, mode: method as RecommendMode });
  return answer.hits.map((hit) => hit.paper.id);
}

export async function evaluateRecommendations(
  engine: SearchEngine,
  collection: EvalCollection,
  methods: readonly RecommendMethod[] = RECOMMEND_METHODS,
): Promise<RecommendReport> {
  const cases = recommendCases(collection);
  const measure = async (withDisliked: boolean) => {
    const scores = {} as Record<RecommendMethod, MetricScores>;
    for (const method of methods) {
      const perCase: MetricScores[] = [];
      for (const c of cases) {
        const ranking = await recommended(engine, method, c.liked, withDisliked ? [c.disliked] : []);
        const marked = new Set([...c.liked, ...(withDisliked ? [c.disliked] : [])]);
        if (ranking.some((id) => marked.has(id))) throw new Error(`${method} recommended a marked paper back (query ${c.query})`);
        perCase.push(evaluateRanking(ranking, c.judgments));
      }
      scores[method] = summarize(perCase);
    }
    return scores;
  };
  return {
    collection: collection.name,
    queries: new Set(cases.map((c) => c.query)).size,
    cases: cases.length,
    plain: await measure(false),
    withDisliked: await measure(true),
  };
}

/** The README's table: nDCG@10 of every method on every set, without and with a disliked paper; the default in bold. */
export function recommendTable(reports: readonly RecommendReport[]): string {
  const columns = reports.flatMap((report) => [
    { title: `${report.collection} (${report.queries} q)`, scores: report.plain },
    { title: `${report.collection} + disliked`, scores: report.withDisliked },
  ]);
  const name = (method: RecommendMethod) => (method === DEFAULT_RECOMMEND_MODE ? `**${method}** (default)` : method);
  return [
    `| method | ${columns.map((column) => column.title).join(' | ')} |`,
    `| --- | ${columns.map(() => '---').join(' | ')} |`,
    ...RECOMMEND_METHODS.map(
      (method) => `| ${name(method)} | ${columns.map((column) => column.scores[method]['ndcg@10'].toFixed(3)).join(' | ')} |`,
    ),
  ].join('\n');
}

/** `items` in an order fixed by a hash of each with `salt`: a different draw for every salt, the same on every run. */
function drawn<T>(items: readonly T[], salt: string, key: (item: T) => string = String): T[] {
  const hash = (text: string) => {
    let h = 2166136261;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
    // FNV-1a alone leaves salts that differ in one last character ordered alike; this final mix spreads them.
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return (h ^ (h >>> 16)) >>> 0;
  };
  return items
    .map((item) => ({ item, order: hash(`${salt}/${key(item)}`) }))
    .sort((a, b) => a.order - b.order)
    .map(({ item }) => item);
}
