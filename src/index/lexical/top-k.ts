/** A scored document, by its ordinal in the index. */
export interface Scored {
  ordinal: number;
  score: number;
}

/**
 * The `limit` highest scores seen, kept in a binary min-heap so that most offers cost one comparison.
 * Scores and ordinals sit in two typed arrays: a query offers up to thousands of papers, and a heap of
 * objects would allocate one per kept offer.
 */
export class TopK {
  private readonly scores: Float64Array;
  private readonly ordinals: Uint32Array;
  private size = 0;

  constructor(private readonly limit: number) {
    this.scores = new Float64Array(limit);
    this.ordinals = new Uint32Array(limit);
  }

  offer(ordinal: number, score: number): void {
    if (this.size < this.limit) {
      let i = this.size++;
      // Sift up: the new entry rises past every parent it beats.
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!worse(score, ordinal, this.scores[parent]!, this.ordinals[parent]!)) break;
        this.move(parent, i);
        i = parent;
      }
      this.put(i, ordinal, score);
    } else if (this.limit > 0 && worse(this.scores[0]!, this.ordinals[0]!, score, ordinal)) {
      // Replace the root, then sift down: the entry sinks below every child worse than it.
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= this.size) break;
        const right = left + 1;
        const child =
          right < this.size && worse(this.scores[right]!, this.ordinals[right]!, this.scores[left]!, this.ordinals[left]!) ? right : left;
        if (!worse(this.scores[child]!, this.ordinals[child]!, score, ordinal)) break;
        this.move(child, i);
        i = child;
      }
      this.put(i, ordinal, score);
    }
  }

  /**
   * The score an offer must reach to be kept (an equal score is kept only with a lower ordinal than the
   * worst kept): −∞ while there is room, +∞ when nothing can be kept.
   */
  threshold(): number {
    if (this.size < this.limit) return Number.NEGATIVE_INFINITY;
    return this.limit > 0 ? this.scores[0]! : Number.POSITIVE_INFINITY;
  }

  sorted(): Scored[] {
    return Array.from({ length: this.size }, (_, i) => ({ ordinal: this.ordinals[i]!, score: this.scores[i]! })).sort((a, b) =>
      worse(a.score, a.ordinal, b.score, b.ordinal) ? 1 : -1,
    );
  }

  private move(from: number, to: number): void {
    this.scores[to] = this.scores[from]!;
    this.ordinals[to] = this.ordinals[from]!;
  }

  private put(at: number, ordinal: number, score: number): void {
    this.scores[at] = score;
    this.ordinals[at] = ordinal;
  }
}

/** Lower score, or the same score and a later ordinal. */
function worse(score: number, ordinal: number, otherScore: number, otherOrdinal: number): boolean {
  return score < otherScore || (score === otherScore && ordinal > otherOrdinal);
}
