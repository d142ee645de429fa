import type { Mode } from '../../contract/values.js';
import type { ModeContext, Query, Ranking } from './context.js';
import { rankDense } from './dense.js';
import { rankHybrid } from './hybrid.js';
import { rankLexical } from './lexical.js';

export type Ranker = (context: ModeContext, query: Query, k: number) => Promise<Ranking>;

/** One ranker per mode of the contract; a new mode is a sibling file plus a line here. */
export const RANKERS: Record<Mode, Ranker> = { hybrid: rankHybrid, dense: rankDense, lexical: rankLexical };

export type { ModeContext, Query, Ranking } from './context.js';
