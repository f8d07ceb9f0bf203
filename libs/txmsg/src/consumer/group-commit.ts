/**
 * Groups work items so that one call of `run` handles many: an item added while a run is going on
 * waits for it and goes with whatever else waits into the next run; an item added to an idle
 * group runs in the next turn of the event loop, with whatever else arrived in the same turn (a
 * broker frame often carries several deliveries). At most `lanes` runs at a time (a second one
 * starts, with what waits, while the first waits for its commit, so the database is never idle
 * between two commits), at most `maxBatch` items per run.
 */
export class GroupCommit<T, R> {
  private readonly waiting: Array<{ item: T; resolve: (result: R) => void; reject: (error: unknown) => void }> = [];
  /** Runs going on, or about to start. */
  private running = 0;

  constructor(
    private readonly run: (items: T[]) => Promise<R[]>,
    private readonly maxBatch: number,
    private readonly lanes = 1,
  ) {}

  /** Resolves to `run`'s result for `item`. */
  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (this.running < this.lanes) {
        this.running++;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.maxBatch);
      try {
        const results = await this.run(batch.map((entry) => entry.item));
        batch.forEach((entry, i) => entry.resolve(results[i]));
      } catch (error) {
        batch.forEach((entry) => entry.reject(error));
      }
    }
    this.running--;
  }
}
