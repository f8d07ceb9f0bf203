/** Attempts to one receiver origin in flight at once: a slow receiver holds up its own notifications only. */
export const IN_FLIGHT_PER_ORIGIN = 8;
/** Attempts in flight at once, all origins together. */
export const IN_FLIGHT_MAX = 64;

/** What a row must tell to be counted: its id and where it goes. */
interface Attemptable {
  notification_id: string;
  target_url: string;
}

/**
 * The notification attempts a sender has in flight, counted by receiver origin (one server, how
 * slowness comes), so that a receiver that answers slowly or not at all occupies at most
 * {@link IN_FLIGHT_PER_ORIGIN} attempts and every other receiver's notifications go on. A row is
 * taken before its lease commits and released once its outcome is recorded, so a row whose
 * attempt still runs is never started twice here, even if its lease ran out. It counts this
 * process's attempts only: other instances are kept off the same rows by the lease.
 */
export class InFlightAttempts {
  private readonly byOrigin = new Map<string, number>();
  private readonly ids = new Set<string>();

  constructor(
    private readonly perOrigin = IN_FLIGHT_PER_ORIGIN,
    private readonly max = IN_FLIGHT_MAX,
  ) {}

  /** How many more attempts may start now, all origins together. */
  get free(): number {
    return this.max - this.ids.size;
  }

  /** The ids of the notifications whose attempt runs. */
  running(): string[] {
    return [...this.ids];
  }

  /** Origins with no free slot: looking for due rows of theirs would find nothing to start. */
  saturatedOrigins(): string[] {
    return [...this.byOrigin].filter(([, count]) => count >= this.perOrigin).map(([origin]) => origin);
  }

  /**
   * Takes a slot for each row of `rows` (in due order, oldest first) that may start now — not in
   * flight already, with a free slot at its origin and overall — and returns those rows, in order.
   */
  take<R extends Attemptable>(rows: R[]): R[] {
    const taken: R[] = [];
    for (const row of rows) {
      const origin = originOf(row.target_url);
      const count = this.byOrigin.get(origin) ?? 0;
      if (this.free === 0 || this.ids.has(row.notification_id) || count >= this.perOrigin) continue;
      this.ids.add(row.notification_id);
      this.byOrigin.set(origin, count + 1);
      taken.push(row);
    }
    return taken;
  }

  /**
   * Gives back the slot of `row`. Returns whether its origin, or the whole sender, had no free
   * slot before: due rows may then be waiting for the one just freed.
   */
  release(row: Attemptable): boolean {
    if (!this.ids.delete(row.notification_id)) return false;
    const origin = originOf(row.target_url);
    const count = this.byOrigin.get(origin) ?? 1;
    const wasFull = count >= this.perOrigin || this.ids.size + 1 >= this.max;
    if (count <= 1) this.byOrigin.delete(origin);
    else this.byOrigin.set(origin, count - 1);
    return wasFull;
  }
}

/** `url`'s origin as the stored, canonical URL starts with it; `invalid` when it does not parse. */
export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'invalid';
  }
}
