import { Logger } from '@nestjs/common';

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

  constructor(
    private readonly logger: Logger,
    private readonly intervalMs: number,
    private readonly tick: () => Promise<boolean>,
  ) {}

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

  async stop(): Promise<void> {
    this.running = false;
    this.wakeUp?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.woken = false;
      let more = false;
      try {
        more = await this.tick();
      } catch (error) {
        this.logger.warn(`tick failed, retrying in ${this.intervalMs} ms: ${(error as Error).message}`);
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
