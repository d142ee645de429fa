import { fuse, type Candidate } from '../fusion.js';
import { classifierCandidates, tasteClassifier } from './classifier.js';
import { rankingOf, vectorReader, type Recommender } from './taste.js';
import { wordEvidence } from './words.js';

/**
 * Meaning and words, as hybrid search mixes them: the per-request classifier's logit (what sets the
 * liked papers apart in meaning) fused with how much of the liked papers' own words a paper shares
 * (BM25 of each liked paper's title and abstract, scaled by its best hit, averaged). Both signals are
 * z-scored over the candidates, so each counts by how far a paper stands out. Candidates are the
 * classifier's plus each liked paper's BM25 hits: a paper that shares rare words but sits a little
 * further away in meaning (a name, a dataset, a method) can still come up.
 */
export const recommendByHybrid: Recommender = async (context, taste, k) => {
  const vectorOf = vectorReader(context);
  const logit = tasteClassifier(context, taste, vectorOf);
  const words = wordEvidence(context, taste);
  const candidates = classifierCandidates(context, taste, vectorOf);
  for (const { scores } of words) for (const ordinal of scores.keys()) candidates.add(ordinal);
  const best = words.map(({ scores }) => Math.max(0, ...scores.values()));
  const pool: Candidate[] = [...candidates].map((ordinal) => ({
    ordinal,
    dense: logit(ordinal),
    lexical: words.reduce((sum, { scores }, i) => sum + (best[i]! > 0 ? (scores.get(ordinal) ?? 0) / best[i]! : 0), 0) / words.length,
  }));
  return rankingOf(fuse(pool, context.options.recommend.wordsWeight), k, taste, vectorOf);
};
