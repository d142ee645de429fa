import { availableParallelism } from 'node:os';
import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../errors.js';

export interface AdmissionLimits {
  /** Requests that may work at once. */
  maxWorking: number;
  /** Requests that may wait for a turn besides those working; beyond them the answer is 503 at once. */
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

/**
 * First come, first served: at most `maxWorking` admitted at once and `maxWaiting` more waiting for a
 * turn. Turns are handed out from setImmediate, never at once: requests that arrive together are
 * parsed in one pass of the event loop, and a search started in that pass would run its synchronous
 * work (splitting a paste, BM25, snippets) before the next request was even read, so the queue would
 * never see them together and /health would wait behind all of them. Deferred, every arrival is
 * counted (and the excess refused) before any work starts, and I/O gets a turn between searches.
 */
export class AdmissionQueue {
  private working = 0;
  private readonly waiting: Waiter[] = [];
  private admitting = false;

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
    if (this.working + this.waiting.length >= this.limits.maxWorking + this.limits.maxWaiting) {
      throw new ApiError('busy', `the server is busy (${this.working} requests working, ${this.waiting.length} waiting); retry shortly`, {
        'Retry-After': '1',
      });
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
      this.admitSoon();
    });
  }

  /** Ends an admitted request's turn; the longest waiting request gets it once pending I/O has had its turn. */
  leave(): void {
    this.working -= 1;
    this.admitSoon();
  }

  private admitSoon(): void {
    if (this.admitting) return;
    this.admitting = true;
    setImmediate(() => {
      this.admitting = false;
      while (this.working < this.limits.maxWorking && this.waiting.length > 0) {
        this.working += 1;
        this.waiting.shift()!.start();
      }
    });
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
