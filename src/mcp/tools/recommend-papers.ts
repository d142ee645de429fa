import { RecommendAnswerSchema, RecommendBodySchema } from '../../contract/schemas.js';
import { answerToWire, filterFromWire } from '../../search/index.js';
import { answerText } from '../text.js';
import { defineTool } from '../tool.js';

/** POST /api/recommend as a tool: the same arguments (no export format) and the same answer. */
export const recommendPapers = defineTool({
  name: 'recommend_papers',
  title: 'Recommend papers',
  description:
    'Papers of the local library to read next for someone who liked some papers (liked: ids from search results) ' +
    'and not others (disliked, optional), best first; a paper named in either list is never recommended. Answers like ' +
    'search_papers; the filters narrow to years, an author, a venue or a tag.',
  input: RecommendBodySchema.omit({ format: true }),
  output: RecommendAnswerSchema,
  run: async ({ engine }, { liked, disliked, k, mode, ...filter }) => {
    const answer = answerToWire(await engine.recommend({ liked, disliked, k, mode, filter: filterFromWire(filter) }));
    const away = disliked?.length ? ` and away from ${papers(disliked, 'disliked')}` : '';
    return { structured: answer, text: answerText(answer, `recommended from ${papers(liked, 'liked')}${away}`) };
  },
});

/** "1 liked paper", "2 liked papers": how many different ids a list names. */
function papers(ids: readonly string[], kind: 'liked' | 'disliked'): string {
  const count = new Set(ids).size;
  return `${count} ${kind} ${count === 1 ? 'paper' : 'papers'}`;
}
