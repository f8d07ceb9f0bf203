import { Nack } from '@golevelup/nestjs-rabbitmq';

/** Deliveries being handled, each with the way to let go of it (see {@link InFlight.drain}). */
export class InFlight {
  private readonly running = new Map<Promise<void | Nack>, () => void>();

  get size(): number {
    return this.running.size;
  }

  /** Tracks `work`; resolves with it, or to a requeueing Nack once {@link drain} lets go of it. */
  track(work: Promise<void | Nack>): Promise<void | Nack> {
    let letGo!: () => void;
    const abandoned = new Promise<Nack>((resolve) => (letGo = () => resolve(new Nack(true))));
    this.running.set(work, letGo);
    void work.finally(() => this.running.delete(work));
    return Promise.race([work, abandoned]);
  }

  /**
   * Resolves once every tracked delivery has settled, or after `timeoutMs`; those still running
   * then are let go of (handed back to the broker). Returns how many.
   */
  async drain(timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (this.running.size > 0 && Date.now() < deadline) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise((resolve) => (timer = setTimeout(resolve, deadline - Date.now())));
      await Promise.race([Promise.allSettled([...this.running.keys()]), timeout]);
      clearTimeout(timer);
    }
    const left = this.running.size;
    for (const letGo of [...this.running.values()]) letGo();
    return left;
  }
}
