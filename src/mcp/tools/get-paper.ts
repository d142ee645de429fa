import { PaperParamsSchema, PaperSchema } from '../../contract/schemas.js';
import { PaperNotFoundError, paperToWire } from '../../search/index.js';
import { paperText } from '../text.js';
import { defineTool } from '../tool.js';

/** GET /api/papers/:id as a tool: the whole record, abstract included. */
export const getPaper = defineTool({
  name: 'get_paper',
  title: 'Get a paper',
  description:
    'The whole record of one paper of the local library by its id (from a search result): title, authors, year, venue, link, tags and the full abstract.',
  input: PaperParamsSchema.strict(),
  output: PaperSchema,
  run: ({ engine }, { id }) => {
    const paper = engine.paper(id);
    if (!paper) throw new PaperNotFoundError(id);
    const wire = paperToWire(paper);
    return { structured: wire, text: paperText(wire) };
  },
});
