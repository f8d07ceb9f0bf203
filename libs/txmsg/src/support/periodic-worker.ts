import type { Logger } from '@nestjs/common';
import { errorText } from './error-text';
import { FailureReports } from './failure-reports';
import { withinMs } from './within-ms';

export { withinMs } from './within-ms';

/** How long {@link PeriodicWorker.stop} waits for the tick in progress by default. */
const STOP_TIMEOUT_MS = 5000;

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
  private readonly failures: FailureReports;

  constructor(
    logger: Logger,
    private readonly intervalMs: number,
    private readonly tick: () => Promise<boolean>,
  ) {
    this.failures = new FailureReports(logger, intervalMs);
  }

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
        this.failures.succeeded();
      } catch (error) {
        this.failures.failed(errorText(error));
      }
      if (!more && !this.woken && this.running) await this.sleep();
    }
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
