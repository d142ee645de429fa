import { describe, expect, it } from 'vitest';
import { BatchQueue, BusyError } from '../../src/model/batch-queue.js';

/**
 * A stand-in for the model that holds each batch until the test releases it, so the test decides
 * what arrives while the model is busy.
 */
function heldModel() {
  const batches: string[][] = [];
  const releases: Array<(outcome: Error | undefined) => void> = [];
  const run = (texts: string[]) => {
    batches.push(texts);
    return new Promise<string[]>((resolve, reject) => {
      releases.push((error) => (error ? reject(error) : resolve(texts.map((text) => text.toUpperCase()))));
    });
  };
  /** Settles the oldest unsettled batch, then lets the queue start its next one. */
  const release = async (error?: Error) => {
    releases.shift()!(error);
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { batches, run, release };
}

describe('BatchQueue', () => {
  it('runs a lone text at once, then gathers what arrived meanwhile into batches of at most maxBatch', async () => {
    const model = heldModel();
    const queue = new BatchQueue(model.run, 10, 3);
    const results = ['a', 'b', 'c', 'd', 'e'].map((text) => queue.submit(text));
    expect(model.batches).toEqual([['a']]);
    expect(queue.pending).toBe(4);
    await model.release();
    expect(model.batches).toEqual([['a'], ['b', 'c', 'd']]);
    expect(queue.pending).toBe(1);
    await model.release();
    await model.release();
    expect(model.batches).toEqual([['a'], ['b', 'c', 'd'], ['e']]);
    expect(await Promise.all(results)).toEqual(['A', 'B', 'C', 'D', 'E']);
    expect(queue.pending).toBe(0);
  });

  it('refuses a text with BusyError when maxWaiting texts already wait, and admits again once they run', async () => {
    const model = heldModel();
    const queue = new BatchQueue(model.run, 2, 8);
    const admitted = [queue.submit('running'), queue.submit('waiting 1'), queue.submit('waiting 2')];
    const refused = queue.submit('one too many');
    await expect(refused).rejects.toBeInstanceOf(BusyError);
    await expect(refused).rejects.toMatchObject({ pending: 2, message: expect.stringMatching(/2 texts waiting/) });
    expect(queue.pending).toBe(2);
    await model.release();
    const later = queue.submit('later');
    await model.release();
    await model.release();
    expect(await Promise.all([...admitted, later])).toEqual(['RUNNING', 'WAITING 1', 'WAITING 2', 'LATER']);
  });

  it("rejects every text of a failed batch with the model's error, and keeps serving the next batch", async () => {
    const model = heldModel();
    const queue = new BatchQueue(model.run, 10, 2);
    const first = queue.submit('first');
    const failing = [queue.submit('x'), queue.submit('y')];
    const after = queue.submit('after');
    await model.release();
    const outOfMemory = new Error('out of memory');
    // Watch the waiters before the batch fails, so each rejection has a handler when it happens.
    const rejections = failing.map((waiter) => expect(waiter).rejects.toBe(outOfMemory));
    await model.release(outOfMemory);
    await Promise.all(rejections);
    await model.release();
    expect(model.batches).toEqual([['first'], ['x', 'y'], ['after']]);
    await expect(first).resolves.toBe('FIRST');
    await expect(after).resolves.toBe('AFTER');
  });

  it('rejects the waiters when the model throws before returning a promise', async () => {
    const queue = new BatchQueue<string>(
      () => {
        throw new Error('no session');
      },
      10,
      4,
    );
    await expect(queue.submit('a')).rejects.toThrow('no session');
    await expect(queue.submit('b')).rejects.toThrow('no session');
  });
});
