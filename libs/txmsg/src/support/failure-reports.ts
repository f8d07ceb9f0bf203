import type { Logger } from '@nestjs/common';

/**
 * The failures of a repeating task, logged so the same failure every tick (a database down for
 * minutes) is reported once a minute, with how often it repeated, and its end once.
 */
export class FailureReports {
  private last?: { message: string; loggedAt: number; repeats: number };

  constructor(
    private readonly logger: Logger,
    private readonly intervalMs: number,
  ) {}

  failed(message: string): void {
    const now = Date.now();
    if (this.last?.message === message && now - this.last.loggedAt < 60_000) {
      this.last.repeats++;
      return;
    }
    const repeats = this.last?.message === message ? ` (${this.last.repeats} more times since the last report)` : '';
    this.logger.warn(`tick failed, retrying every ${this.intervalMs} ms: ${message}${repeats}`);
    this.last = { message, loggedAt: now, repeats: 0 };
  }

  succeeded(): void {
    if (this.last) this.logger.log(`recovered after: ${this.last.message}`);
    this.last = undefined;
  }
}
