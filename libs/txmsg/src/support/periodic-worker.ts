import { Logger } from '@nestjs/common';

/** How long {@link PeriodicWorker.stop} waits for the tick in progress by default. */
const STOP_TIMEOUT_MS = 5000;

/** Resolves when `work` settles or after `ms`, whichever comes first. */
export async function withinMs(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    work.then(
      () => undefined,
      () => undefined,
    ),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))),
  ]);
  clearTimeout(timer);
}

/**
 * A background loop: runs `tick` whenever woken or every `intervalMs`, again at once while
 * `tick` reports it did a full batch, never two ticks at a time. Errors are logged and the loop
 * goes on after the interval, so a lost database or broker connection only pauses it.
 */
export class PeriodicWorker {
  private running = false;
  private wakeUp?: () => void;
  private woken = false;
  private loop?: Promise<void>;
  private lastError?: { message: string; loggedAt: number; repeats: number };

  constructor(
    private readonly logger: Logger,
    private readonly intervalMs: number,
    private readonly tick: () => Promise<boolean>,
  ) {}

  /** Whether the loop runs (between {@link start} and {@link stop}). */
  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Run a tick as soon as the current one (if any) ends. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /**
   * Stops the loop and waits for the tick in progress, for at most `timeoutMs`: a statement stuck
   * in a lock wait (up to the server's `innodb_lock_wait_timeout`, 50 s by default) must not hold
   * a shutdown past its grace period. A tick given up on ends with the process; whatever it had
   * leased becomes due again for another instance.
   */
  async stop(timeoutMs = STOP_TIMEOUT_MS): Promise<void> {
    this.running = false;
    this.wakeUp?.();
    await withinMs(this.loop ?? Promise.resolve(), timeoutMs);
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.woken = false;
      let more = false;
      try {
        more = await this.tick();
        if (this.lastError) this.logger.log(`recovered after: ${this.lastError.message}`);
        this.lastError = undefined;
      } catch (error) {
        this.report((error as Error).message);
      }
      if (!more && !this.woken && this.running) await this.sleep();
    }
  }

  /** The same failure every tick (a database down for minutes) is logged once a minute, not every tick. */
  private report(message: string): void {
    const now = Date.now();
    if (this.lastError?.message === message && now - this.lastError.loggedAt < 60_000) {
      this.lastError.repeats++;
      return;
    }
    const repeats =
      this.lastError?.message === message ? ` (${this.lastError.repeats} more times since the last report)` : '';
    this.logger.warn(`tick failed, retrying every ${this.intervalMs} ms: ${message}${repeats}`);
    this.lastError = { message, loggedAt: now, repeats: 0 };
  }

  private sleep(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.intervalMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = undefined;
        done();
      };
    });
  }
}
