import type { Logger } from '@nestjs/common';

/** Most message ids marked PUBLISHED by one statement. */
const MARK_BATCH = 500;

/**
 * Collects the ids of messages published at commit and marks them in batches: whatever was
 * published in one turn of the event loop goes into one UPDATE. A mark that fails is only
 * logged: the row stays READY and a relay publishes it again, which consumers dedupe.
 */
export class PublishedMarks {
  private readonly published = new Set<string>();
  private flushing?: Promise<void>;

  constructor(
    private readonly logger: Logger,
    private readonly mark: (messageIds: string[]) => Promise<void>,
  ) {}

  /** Notes a published message; marks it in the next turn of the event loop. */
  add(messageId: string): void {
    this.published.add(messageId);
    this.flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.flush());
  }

  /** Marks everything noted so far, {@link MARK_BATCH} ids per statement. */
  async flush(): Promise<void> {
    try {
      while (this.published.size > 0) {
        const ids: string[] = [];
        for (const id of this.published) {
          if (ids.length === MARK_BATCH) break;
          ids.push(id);
        }
        for (const id of ids) this.published.delete(id);
        await this.mark(ids).catch((error: Error) =>
          this.logger.warn(
            `could not mark ${ids.length} published messages (${error.message}); the relay will publish them again`,
          ),
        );
      }
    } finally {
      this.flushing = undefined;
    }
  }
}
