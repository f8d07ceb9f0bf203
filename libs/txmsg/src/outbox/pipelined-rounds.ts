/**
 * Most leased batches a relay publishes at once. One batch alone leaves the confirm channel idle
 * while the next is leased and the last is marked; a few keep it busy. The bound caps what a
 * broker that stalls holds: this many batches' rows, each until its publish timeout.
 */
export const BATCHES_IN_FLIGHT = 3;

/**
 * How far a relay's batch grows while rounds come back full: up to this many times
 * `relay.batchSize`. Fewer, larger statements per row leased and marked; the lease still outlasts
 * the publish timeout, which covers the whole batch, since every row of it is published at once.
 */
export const BATCH_GROWTH = 4;

/** One leased batch: how many rows it holds, and its publish-and-record, already started. */
export interface LeasedRound {
  size: number;
  recorded: Promise<void>;
}

/**
 * Runs relay rounds back to back while they come back full and `goOn()` holds, leasing the next
 * batch while earlier ones still await their confirms, at most `maxInFlight` at a time, each round
 * leasing twice as many rows as the last full one, from `batchSize` up to `maxBatch`; then waits
 * for every batch started to be recorded. A round whose recording fails (the database went away)
 * stops further leasing; the first such error is thrown once the others are done, so every
 * batch started ends (recorded, or left leased until its lease runs out) before this returns.
 * @returns the rows leased, and whether the last round was full (more may be due).
 */
export async function pipelinedRounds(
  lease: (limit: number) => Promise<LeasedRound>,
  batchSize: number,
  goOn: () => boolean,
  { maxInFlight = BATCHES_IN_FLIGHT, maxBatch = batchSize * BATCH_GROWTH } = {},
): Promise<{ leased: number; full: boolean }> {
  const inFlight: Promise<void>[] = [];
  let failed = false;
  let failure: unknown;
  let leased = 0;
  let full = false;
  let limit = batchSize;
  try {
    do {
      if (inFlight.length >= maxInFlight) await inFlight.shift();
      if (failed) break;
      const round = await lease(limit);
      leased += round.size;
      full = round.size >= limit;
      if (full) limit = Math.min(limit * 2, maxBatch);
      // Handled at once: a batch that fails while an earlier one is awaited must not go unhandled.
      inFlight.push(
        round.recorded.catch((error: unknown) => {
          if (!failed) failure = error;
          failed = true;
        }),
      );
    } while (full && !failed && goOn());
  } finally {
    await Promise.all(inFlight);
  }
  if (failed) throw failure;
  return { leased, full };
}
