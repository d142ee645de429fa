import type { ToolEntry } from '../tool.js';
import { findSimilar } from './find-similar.js';
import { getPaper } from './get-paper.js';
import { recommendPapers } from './recommend-papers.js';
import { searchPapers } from './search-papers.js';
import { whatsNew } from './whats-new.js';

/** The tools every MCP server offers, in the order clients list them. A new tool is a file here and one line. */
export const TOOLS: readonly ToolEntry[] = [searchPapers, findSimilar, getPaper, recommendPapers, whatsNew];
