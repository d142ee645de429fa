/** Thrown when more texts wait for the model than the queue admits: the caller should retry later. */
export class BusyError extends Error {
  constructor(readonly pending: number) {
    super(`the embedding queue is full (${pending} texts waiting); retry shortly`);
  }
}

interface Waiting<T> {
  text: string;
  resolve(value: T): void;
  reject(error: unknown): void;
}

/**
 * Gathers texts that arrive while the model is busy and runs them as one batch: at low load a text
 * runs at once, under load many short queries share a forward pass instead of queueing one by one.
 * Bounded, so overload turns into BusyError rather than unbounded memory.
 */
export class BatchQueue<T> {
  private readonly waiting: Array<Waiting<T>> = [];
  private running = false;

  constructor(
    private readonly run: (texts: string[]) => Promise<T[]>,
    private readonly maxWaiting: number,
    private readonly maxBatch: number,
  ) {}

  get pending(): number {
    return this.waiting.length;
  }

  submit(text: string): Promise<T> {
    if (this.waiting.length >= this.maxWaiting) return Promise.reject(new BusyError(this.waiting.length));
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ text, resolve, reject });
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.maxBatch);
      try {
        const results = await this.run(batch.map((item) => item.text));
        batch.forEach((item, i) => {
          item.resolve(results[i]!);
        });
      } catch (error) {
        for (const item of batch) item.reject(error);
      }
    }
    this.running = false;
  }
}
