/**
 * Groups work items so that one call of `run` handles many: items added while a run is going on
 * wait for it and go together into the next one; an item added to an idle group runs in the next
 * turn of the event loop, with whatever else arrived in the same turn (a broker frame often
 * carries several deliveries). At most one run at a time, at most `maxBatch` items per run.
 */
export class GroupCommit<T, R> {
  private readonly waiting: Array<{ item: T; resolve: (result: R) => void; reject: (error: unknown) => void }> = [];
  private busy = false;

  constructor(
    private readonly run: (items: T[]) => Promise<R[]>,
    private readonly maxBatch: number,
  ) {}

  /** Resolves to `run`'s result for `item`. */
  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (!this.busy) {
        this.busy = true;
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
    this.busy = false;
  }
}
