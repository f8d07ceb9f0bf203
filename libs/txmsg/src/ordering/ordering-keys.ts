import { Injectable } from '@nestjs/common';
import type { FailureStatus } from '../consumer/failed-message';
import { FailureStore } from '../store/failure-store';
import { type BlockedKey, type OrderingCursor, OrderingStore } from '../store/ordering-store';
import { HeldSender } from './held-sender';
import { ORDERING_HEADERS, orderingOf } from './ordering-headers';

/** A blocked key with the failed message (on the ladder or parked) it waits for, when there is one. */
export interface BlockedKeyView extends BlockedKey {
  blocking?: { id: string; messageId: string; status: FailureStatus };
}

/** Where a key stands before a skip (see {@link OrderingKeys.standing}). */
export interface KeyStanding {
  lastSeq: number;
  skipTo: number | undefined;
  held: number;
  blocking?: { id: string; messageId: string; status: FailureStatus };
}

/** What a skip did: moved the key on past `skippedTo`, or found it unknown, or waiting on nothing. */
export type SkipOutcome =
  | { outcome: 'skipped'; skippedTo: number; held: number }
  | { outcome: 'unknown' }
  | { outcome: 'waiting-on-nothing'; lastSeq: number };

/**
 * What an operator does with the keys ordered consumers wait on, for the admin API and the
 * console alike: lists them, and skips what one waits for so the messages after it go on.
 */
@Injectable()
export class OrderingKeys {
  constructor(
    private readonly store: OrderingStore,
    private readonly failures: FailureStore,
    private readonly sender: HeldSender,
  ) {}

  /**
   * Up to `limit` keys waiting (of `consumer`, or any), longest waiting first, each with the
   * failed message it is blocked on: the failure row of its consumer whose ordering headers name
   * the key and the sequence number.
   */
  async blocked(limit: number, consumer?: string): Promise<BlockedKeyView[]> {
    const keys = await this.store.blockedKeys(limit, consumer);
    const failing = keys.filter((k): k is BlockedKey & { blockedSeq: number } => k.blockedSeq !== null);
    const blocking = await this.blockingOf(failing);
    const blockingOf = new Map(failing.map((k, i) => [k, blocking[i]]));
    return keys.map((k) => {
      const found = blockingOf.get(k as BlockedKey & { blockedSeq: number });
      return found ? { ...k, blocking: found } : k;
    });
  }

  /**
   * Where one key stands, for the step before a skip: the last number applied, the one a skip
   * moves it on to (undefined when it waits on nothing), the messages held behind, the failed
   * message it is blocked on. Undefined for a key the consumer never saw.
   */
  async standing(consumer: string, source: string, key: string): Promise<KeyStanding | undefined> {
    const cursor = await this.store.cursor(consumer, source, key);
    if (!cursor) return undefined;
    const skipTo = skipTarget(cursor, await this.store.firstHeldSeq(consumer, source, key));
    const held = await this.store.heldCount(consumer, source, key);
    const [blocking] =
      cursor.blockedSeq === null
        ? []
        : await this.blockingOf([{ consumer, source, key, blockedSeq: cursor.blockedSeq }]);
    return { lastSeq: cursor.lastSeq, skipTo, held, ...(blocking && { blocking }) };
  }

  /**
   * Gives up what the key waits for: the failing message (it stays parked, requeueable: applied
   * late should it ever be), or a gap no message fills; the next held message then goes on, and
   * the ones after it in order. `held` is how many were held back when it skipped.
   */
  async skip(consumer: string, source: string, key: string): Promise<SkipOutcome> {
    const cursor = await this.store.cursor(consumer, source, key);
    if (!cursor) return { outcome: 'unknown' };
    const to = skipTarget(cursor, await this.store.firstHeldSeq(consumer, source, key));
    if (to === undefined) return { outcome: 'waiting-on-nothing', lastSeq: cursor.lastSeq };
    const held = await this.store.heldCount(consumer, source, key);
    // Moved on meanwhile (applied, or skipped by another operator): this skip gave up nothing.
    if (!(await this.store.skipTo(consumer, source, key, to))) {
      const now = await this.store.cursor(consumer, source, key);
      return { outcome: 'waiting-on-nothing', lastSeq: now?.lastSeq ?? to };
    }
    this.sender.wake();
    return { outcome: 'skipped', skippedTo: to, held };
  }

  /**
   * The failed message each key is blocked on, in the order of `keys` (undefined where none is
   * kept): the failure row of its consumer whose ordering headers name the key and the number.
   */
  private async blockingOf(
    keys: Array<Pick<BlockedKey, 'consumer' | 'source' | 'key'> & { blockedSeq: number }>,
  ): Promise<Array<BlockedKeyView['blocking']>> {
    const rows = await this.failures.withHeaders(
      keys.map((k) => ({
        consumer: k.consumer,
        headers: { [ORDERING_HEADERS.key]: k.key, [ORDERING_HEADERS.seq]: k.blockedSeq },
      })),
    );
    const found = new Map<string, { id: string; messageId: string; status: FailureStatus }>();
    for (const row of rows) {
      const position = orderingOf({ properties: JSON.parse(row.properties) });
      if (typeof position !== 'object') continue;
      const id = positionId(row.consumer, position.source, position.key, position.seq);
      // Newest first: a key blocked twice on the same number shows its latest failure.
      if (!found.has(id)) found.set(id, { id: row.id, messageId: row.messageId, status: row.status });
    }
    return keys.map((k) => found.get(positionId(k.consumer, k.source, k.key, k.blockedSeq)));
  }
}

/**
 * The number a skip moves the key on to: the failing message, or else the last of the gap before
 * the first held message; undefined when the key waits on nothing.
 */
function skipTarget(cursor: OrderingCursor, firstHeld: number | undefined): number | undefined {
  const to = cursor.blockedSeq ?? (firstHeld === undefined ? undefined : firstHeld - 1);
  return to === undefined || to <= cursor.lastSeq ? undefined : to;
}

function positionId(consumer: string, source: string, key: string, seq: number): string {
  return JSON.stringify([consumer, source, key, seq]);
}
