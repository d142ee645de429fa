import { SearchAnswerSchema, SearchQuerySchema } from '../../contract/schemas.js';
import { answerToWire, filterFromWire } from '../../search/index.js';
import { answerText } from '../text.js';
import { defineTool } from '../tool.js';

/** GET /api/search as a tool: the same arguments (no export format) and the same answer. */
export const searchPapers = defineTool({
  name: 'search_papers',
  title: 'Search papers',
  description:
    'Search the local library of research papers with a question or keywords. Answers the best papers first, ' +
    'each with title, year, authors, the passage of its abstract that matched and its id, and says whether the ' +
    'library covers the question at all (confidence high or low). Filters narrow to years, an author, a venue or a tag.',
  input: SearchQuerySchema.omit({ format: true }),
  output: SearchAnswerSchema,
  run: async ({ engine }, { q, k, mode, explain, ...filter }) => {
    const answer = answerToWire(await engine.search(q, { k, mode, filter: filterFromWire(filter), passages: explain === 'full' }));
    return { structured: answer, text: answerText(answer, `for "${q}"`) };
  },
});
