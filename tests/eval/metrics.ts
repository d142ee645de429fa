/**
 * Retrieval-quality metrics over one ranked list of doc ids (best first) and graded judgments
 * (doc id → grade 0..3; an unjudged doc counts as grade 0).
 *
 * A doc id repeated in a ranking is scored only at its first position, so a buggy ranker that
 * returns duplicates cannot push a score above 1.
 */

export type Judgments = ReadonlyMap<string, number>;
export type MetricName = 'ndcg@10' | 'map' | 'recall@10' | 'mrr';
export type MetricScores = Record<MetricName, number>;

export const METRIC_NAMES: readonly MetricName[] = ['ndcg@10', 'map', 'recall@10', 'mrr'];

const RELEVANT_GRADE = 1;

function gradeOf(judgments: Judgments, docId: string): number {
  return judgments.get(docId) ?? 0;
}

function isRelevant(judgments: Judgments, docId: string): boolean {
  return gradeOf(judgments, docId) >= RELEVANT_GRADE;
}

function countRelevant(judgments: Judgments): number {
  let count = 0;
  for (const grade of judgments.values()) if (grade >= RELEVANT_GRADE) count += 1;
  return count;
}

function uniqueInOrder(ranking: readonly string[]): string[] {
  return [...new Set(ranking)];
}

function gain(grade: number): number {
  return 2 ** grade - 1;
}

/** Sum of gain / log2(rank + 1) with rank starting at 1. */
function discountedCumulativeGain(grades: readonly number[]): number {
  return grades.reduce((sum, grade, index) => sum + gain(grade) / Math.log2(index + 2), 0);
}

export function ndcgAt(ranking: readonly string[], judgments: Judgments, k: number): number {
  const idealGrades = [...judgments.values()]
    .filter((grade) => grade > 0)
    .sort((a, b) => b - a)
    .slice(0, k);
  const idealDcg = discountedCumulativeGain(idealGrades);
  if (idealDcg === 0) return 0;
  const rankedGrades = uniqueInOrder(ranking)
    .slice(0, k)
    .map((docId) => gradeOf(judgments, docId));
  return discountedCumulativeGain(rankedGrades) / idealDcg;
}

/** Relevant docs missing from the ranking still count in the denominator (standard MAP). */
export function averagePrecision(ranking: readonly string[], judgments: Judgments): number {
  const totalRelevant = countRelevant(judgments);
  if (totalRelevant === 0) return 0;
  let relevantSoFar = 0;
  let precisionSum = 0;
  uniqueInOrder(ranking).forEach((docId, index) => {
    if (!isRelevant(judgments, docId)) return;
    relevantSoFar += 1;
    precisionSum += relevantSoFar / (index + 1);
  });
  return precisionSum / totalRelevant;
}

export function recallAt(ranking: readonly string[], judgments: Judgments, k: number): number {
  const totalRelevant = countRelevant(judgments);
  if (totalRelevant === 0) return 0;
  const found = uniqueInOrder(ranking)
    .slice(0, k)
    .filter((docId) => isRelevant(judgments, docId)).length;
  return found / totalRelevant;
}

export function reciprocalRank(ranking: readonly string[], judgments: Judgments): number {
  const index = uniqueInOrder(ranking).findIndex((docId) => isRelevant(judgments, docId));
  return index === -1 ? 0 : 1 / (index + 1);
}

export function evaluateRanking(ranking: readonly string[], judgments: Judgments): MetricScores {
  return {
    'ndcg@10': ndcgAt(ranking, judgments, 10),
    map: averagePrecision(ranking, judgments),
    'recall@10': recallAt(ranking, judgments, 10),
    mrr: reciprocalRank(ranking, judgments),
  };
}

/** Mean of each metric over queries; all zeros for an empty list rather than NaN. */
export function summarize(perQuery: ReadonlyArray<MetricScores>): MetricScores {
  const means = {} as MetricScores;
  for (const name of METRIC_NAMES) {
    const total = perQuery.reduce((sum, scores) => sum + scores[name], 0);
    means[name] = perQuery.length === 0 ? 0 : total / perQuery.length;
  }
  return means;
}
