/** Deliveries tracked at most, so a flood of distinct ones cannot grow the map without bound. */
const CAPACITY = 10_000;

/**
 * Deliveries whose outcome could not be recorded in the database, with how often and since when,
 * so that none goes back to its queue forever: it leaves for the broker's parking queue after
 * `maxRefusals` tries while the database answered (it refused this row: too large, say), or after
 * `maxMs` of trying while it did not (down). Kept in memory: a restart starts the counts afresh,
 * which only bounds the loop by restarts too.
 */
export class UnrecordedDeliveries {
  private readonly tries = new Map<string, { refusals: number; since: number }>();

  constructor(
    private readonly maxRefusals: number,
    private readonly maxMs: number,
  ) {}

  /** Counts one failed try of `key`; true when it is to leave for the parking queue now. */
  failed(key: string, databaseAnswered: boolean, now = Date.now()): boolean {
    let entry = this.tries.get(key);
    if (!entry) {
      if (this.tries.size >= CAPACITY) this.tries.delete(this.tries.keys().next().value!);
      entry = { refusals: 0, since: now };
      this.tries.set(key, entry);
    }
    if (databaseAnswered) entry.refusals++;
    const leave = entry.refusals >= this.maxRefusals || now - entry.since >= this.maxMs;
    if (leave) this.tries.delete(key);
    return leave;
  }

  /** Forgets `key`: its outcome was recorded after all. */
  recorded(key: string): void {
    if (this.tries.size > 0) this.tries.delete(key);
  }
}
