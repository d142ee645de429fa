import { normalize } from '../../model/index.js';
import { type Example, decision, trainLogistic } from './logistic.js';
import type { ModeContext } from '../modes/context.js';
import { marked, neighbourhood, neighboursOutside, rankingOf, tasteVector, vectorReader, type Recommender, type Taste } from './taste.js';

/**
 * arxiv-sanity's idea: a linear classifier trained for this request, liked papers against disliked
 * ones and a random sample of the library, which learns what sets the liked papers apart rather than
 * what they share with everything. It scores the candidates around the liked papers and their centroid.
 */
export const recommendByClassifier: Recommender = async (context, taste, k) => {
  const vectorOf = vectorReader(context);
  const score = tasteClassifier(context, taste, vectorOf);
  const scored = [...classifierCandidates(context, taste, vectorOf)].map((ordinal) => ({ ordinal, score: score(ordinal) }));
  return rankingOf(scored, k, taste, vectorOf);
};

/** The classifier's candidates: the neighbours of each liked paper and of their centroid. */
export function classifierCandidates(context: ModeContext, taste: Taste, vectorOf: (ordinal: number) => Float32Array): Set<number> {
  const { dislikeWeight, neighbours } = context.options.recommend;
  const candidates = neighbourhood(context, taste, vectorOf);
  for (const n of neighboursOutside(context, tasteVector(taste, dislikeWeight, vectorOf), neighbours, marked(taste)))
    candidates.add(n.ordinal);
  return candidates;
}

/** A linear model of the taste, trained for this request: a paper's logit of being liked. */
export function tasteClassifier(
  context: ModeContext,
  taste: Taste,
  vectorOf: (ordinal: number) => Float32Array,
): (ordinal: number) => number {
  const { classifier } = context.options.recommend;
  const featuresOf = classifierFeatures(context, vectorOf);
  const examples: Example[] = [
    ...taste.liked.map((ordinal) => ({ features: featuresOf(ordinal), positive: true, weight: 1 / taste.liked.length })),
    // A disliked paper counts as much as a liked one; the random sample shares as much as all the liked papers.
    ...taste.disliked.map((ordinal) => ({ features: featuresOf(ordinal), positive: false, weight: 1 / taste.liked.length })),
  ];
  const sample = randomSample(context.index.size, classifier.randomNegatives, marked(taste), seedOf(taste));
  for (const ordinal of sample) examples.push({ features: featuresOf(ordinal), positive: false, weight: 1 / sample.length });
  const model = trainLogistic(examples, classifier.regularization, classifier.iterations);
  return (ordinal) => decision(model, featuresOf(ordinal));
}

/**
 * What the classifier learns from: papers compared as papers are (`paperSimilarity`), each stored
 * vector with the library's mean vector taken out, as a unit vector, so the lean every paper of the
 * library shares does not dominate its length; the stored vector itself with `paperSimilarity: 'cosine'`
 * or an index without a mean vector.
 */
function classifierFeatures(context: ModeContext, vectorOf: (ordinal: number) => Float32Array): (ordinal: number) => Float32Array {
  const centroid = context.options.paperSimilarity === 'centered' ? context.index.calibration?.centroid : undefined;
  if (!centroid) return vectorOf;
  const features = new Map<number, Float32Array>();
  return (ordinal) => {
    let centred = features.get(ordinal);
    if (!centred) {
      const vector = vectorOf(ordinal);
      centred = normalize(vector.map((value, d) => value - centroid[d]!));
      features.set(ordinal, centred);
    }
    return centred;
  };
}

/** Up to `count` distinct ordinals below `size`, none of `excluded`, drawn by a generator seeded with `seed`. */
function randomSample(size: number, count: number, excluded: ReadonlySet<number>, seed: number): number[] {
  const available = size - excluded.size;
  if (count >= available) return Array.from({ length: size }, (_, ordinal) => ordinal).filter((ordinal) => !excluded.has(ordinal));
  // Draws with rejection: a few hundred draws whatever the size of the library.
  const random = mulberry32(seed);
  const drawn = new Set<number>();
  while (drawn.size < count) {
    const ordinal = Math.floor(random() * size);
    if (!excluded.has(ordinal)) drawn.add(ordinal);
  }
  return [...drawn];
}

/** The same taste always draws the same sample, so the same request gets the same answer. */
function seedOf(taste: Taste): number {
  let hash = 2166136261;
  for (const ordinal of [...taste.liked, -1, ...taste.disliked]) hash = Math.imul(hash ^ ordinal, 16777619);
  return hash >>> 0;
}

/** A small, fast, seedable generator of floats in [0, 1). */
function mulberry32(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
