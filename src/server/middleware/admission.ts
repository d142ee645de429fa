import { availableParallelism } from 'node:os';
import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../errors.js';

export interface AdmissionLimits {
  /** Requests that may work at once. */
  maxWorking: number;
  /** Requests that may wait for a turn; beyond them the answer is 503 at once. */
  maxWaiting: number;
}

/**
 * One working request per core: a search is CPU work on the event loop (splitting a long paste,
 * BM25, snippets) or on the model's threads, so more at once only makes each slower and /health late.
 * 32 waiting is a few seconds of long pastes, or a burst of short queries from a page.
 */
export const DEFAULT_ADMISSION: AdmissionLimits = { maxWorking: availableParallelism(), maxWaiting: 32 };

interface Waiter {
  start(): void;
}

/** First come, first served: at most `maxWorking` admitted at once and `maxWaiting` waiting for a turn. */
export class AdmissionQueue {
  private working = 0;
  private readonly waiting: Waiter[] = [];

  constructor(private readonly limits: AdmissionLimits) {}

  get counts(): { working: number; waiting: number } {
    return { working: this.working, waiting: this.waiting.length };
  }

  /**
   * Resolves true when the caller may start (it must then call `leave`), or false when its signal
   * aborted first (it left the queue and never started). Throws ApiError busy when the queue is full.
   */
  enter(signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    if (this.working < this.limits.maxWorking) {
      this.working += 1;
      return Promise.resolve(true);
    }
    if (this.waiting.length >= this.limits.maxWaiting) {
      throw new ApiError('busy', `the server is busy (${this.working} requests working, ${this.waiting.length} waiting); retry shortly`, { 'Retry-After': '1' });
    }
    return new Promise<boolean>((resolve) => {
      const waiter: Waiter = {
        start: () => {
          signal.removeEventListener('abort', leaveUnstarted);
          resolve(true);
        },
      };
      const leaveUnstarted = () => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        resolve(false);
      };
      signal.addEventListener('abort', leaveUnstarted, { once: true });
      this.waiting.push(waiter);
    });
  }

  /** Ends an admitted request's turn: its slot passes to the longest waiting request, if any. */
  leave(): void {
    const next = this.waiting.shift();
    if (next) next.start();
    else this.working -= 1;
  }
}

/**
 * Admission control for routes that search: the first thing such a request meets, before its body is
 * parsed or any text is split or embedded, so overload costs a counter check and a 503 `busy` with
 * `Retry-After: 1`. A request whose client disconnects while it waits (the request signal aborts)
 * leaves the queue and never runs.
 */
export function admission(queue: AdmissionQueue): MiddlewareHandler {
  return async (c, next) => {
    if (!(await queue.enter(c.req.raw.signal))) {
      // Nobody reads this answer: the client is gone.
      throw new ApiError('busy', 'the client closed the connection before its request started');
    }
    try {
      await next();
    } finally {
      queue.leave();
    }
  };
}
