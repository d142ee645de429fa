import { PaperParamsSchema, SearchAnswerSchema, SimilarBodySchema } from '../../contract/schemas.js';
import { answerToWire, filterFromWire } from '../../search/index.js';
import { answerText } from '../text.js';
import { defineTool, ToolArgumentError } from '../tool.js';

/**
 * POST /api/similar and GET /api/papers/:id/similar as one tool: a pasted `text` or a paper `id`, exactly
 * one. Similar to a paper is always hybrid, as in the API, so another mode with `id` is refused.
 */
export const findSimilar = defineTool({
  name: 'find_similar',
  title: 'Find similar papers',
  description:
    'Find papers of the local library similar to a passage (text: an abstract, a draft paragraph) or to a paper ' +
    'of the library (id, from a search result); give exactly one. Answers like search_papers, never the paper itself.',
  input: SimilarBodySchema.omit({ format: true })
    .partial({ text: true })
    .extend({ id: PaperParamsSchema.shape.id.optional().meta({ description: 'The id of a paper of the library, from a search result' }) }),
  output: SearchAnswerSchema,
  run: async ({ engine }, { text, id, k, mode, explain, ...filter }) => {
    if ((text === undefined) === (id === undefined))
      throw new ToolArgumentError('give exactly one of text (a passage to match) or id (a paper of the library)');
    if (id === undefined) {
      const answer = answerToWire(await engine.search(text!, { k, mode, filter: filterFromWire(filter), passages: explain === 'full' }));
      return { structured: answer, text: answerText(answer, 'similar to the given text') };
    }
    if (mode !== 'hybrid')
      throw new ToolArgumentError(`mode ${mode} does not apply to id: papers similar to a paper are always found with hybrid search`);
    const answer = answerToWire(await engine.similarToPaper(id, { k, filter: filterFromWire(filter), passages: explain === 'full' }));
    return { structured: answer, text: answerText(answer, `similar to "${engine.paper(id)!.title}" (id: ${id})`) };
  },
});
