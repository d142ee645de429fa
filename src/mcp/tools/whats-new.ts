import { DigestQuerySchema, DigestSchema } from '../../contract/schemas.js';
import { digestToWire, digestWatches } from '../../search/index.js';
import { digestText } from '../text.js';
import { defineTool, ToolUnavailableError } from '../tool.js';

/** GET /api/digest as a tool: the same `since` and the same answer, over the served index folder's watches. */
export const whatsNew = defineTool({
  name: 'whats_new',
  title: "What's new",
  description:
    "New papers of the local library that match the user's watches (saved queries, and sets of papers they liked), per watch, best first, each with " +
    'why it is there; new since a date or build generation (since), else since each watch was added.',
  input: DigestQuerySchema,
  output: DigestSchema,
  run: async ({ engine, watches }, { since }) => {
    if (!watches)
      throw new ToolUnavailableError('whats_new is not available here: this server keeps no watches (it serves no index folder)');
    const watched = watches.list();
    const digest = digestToWire(await engine.digest(digestWatches(watched, since)), watched, since);
    return { structured: digest, text: digestText(digest) };
  },
});
