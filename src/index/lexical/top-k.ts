/** A scored document, by its ordinal in the index. */
export interface Scored {
  ordinal: number;
  score: number;
}

/** The `limit` highest scores seen, kept in a binary min-heap so that most offers cost one comparison. */
export class TopK {
  private readonly heap: Scored[] = [];

  constructor(private readonly limit: number) {}

  offer(ordinal: number, score: number): void {
    const { heap } = this;
    if (heap.length < this.limit) {
      heap.push({ ordinal, score });
      for (let i = heap.length - 1; i > 0 && worse(heap[i]!, heap[(i - 1) >> 1]!); i = (i - 1) >> 1) swap(heap, i, (i - 1) >> 1);
    } else if (this.limit > 0 && worse(heap[0]!, { ordinal, score })) {
      heap[0] = { ordinal, score };
      for (let i = 0; ; ) {
        const left = 2 * i + 1;
        const smallest = [left, left + 1].filter((c) => c < heap.length).reduce((s, c) => (worse(heap[c]!, heap[s]!) ? c : s), i);
        if (smallest === i) break;
        swap(heap, i, smallest);
        i = smallest;
      }
    }
  }

  /**
   * The score an offer must reach to be kept (an equal score is kept only with a lower ordinal than the
   * worst kept): −∞ while there is room, +∞ when nothing can be kept.
   */
  threshold(): number {
    if (this.heap.length < this.limit) return Number.NEGATIVE_INFINITY;
    return this.limit > 0 ? this.heap[0]!.score : Number.POSITIVE_INFINITY;
  }

  sorted(): Scored[] {
    return [...this.heap].sort((a, b) => (worse(a, b) ? 1 : -1));
  }
}

/** Lower score, or the same score and a later ordinal. */
function worse(a: Scored, b: Scored): boolean {
  return a.score < b.score || (a.score === b.score && a.ordinal > b.ordinal);
}

function swap<T>(array: T[], i: number, j: number): void {
  [array[i], array[j]] = [array[j]!, array[i]!];
}
