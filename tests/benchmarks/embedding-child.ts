import { runEmbeddingTask, type EmbeddingTask } from './embedding.js';

// The child side of `isolated`: one task in, one result out, then exit.
process.once('message', async (task: EmbeddingTask) => {
  const result = await runEmbeddingTask(task);
  process.send!(result, () => process.exit(0));
});
