import { DEFAULT_SEARCH, type SearchOptions } from '../../src/search/index.js';
import { HYBRID_AXES, type Axis, type Variant } from './cross-validate.js';

/** Variants are compared on the settings questions depend on; the product's defaults get the full grid. */
export const QUESTION_AXES: readonly Axis[] = HYBRID_AXES.filter((axis) =>
  ['question lexical weight', 'expansion papers'].includes(axis.name),
);

const base: SearchOptions = { ...DEFAULT_SEARCH, stripQuestionWords: false };
const stripped: SearchOptions = { ...base, stripQuestionWords: true };

/** The product's defaults first (what `npm run eval` cross-validates), then each idea tried for questions (`--variants`). */
export const QUESTION_VARIANTS: readonly Variant[] = [
  { name: 'product defaults', options: DEFAULT_SEARCH },
  { name: 'before round two', options: base, axes: QUESTION_AXES },
  { name: 'question openings stripped', options: stripped, axes: QUESTION_AXES },
];
