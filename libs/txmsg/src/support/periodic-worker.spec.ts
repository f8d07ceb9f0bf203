import { Logger } from '@nestjs/common';
import { PeriodicWorker } from './periodic-worker';
import { waitFor } from '../testing';

describe(PeriodicWorker.name, () => {
  it('runs again at once while ticks report a full batch, then waits for a wake-up', async () => {
    let ticks = 0;
    const worker = new PeriodicWorker(new Logger('test'), 60_000, async () => ++ticks < 3);
    worker.start();
    await waitFor(() => ticks === 3);
    worker.wake();
    await waitFor(() => ticks === 4);
    await worker.stop();
  });

  it('keeps going after a failing tick and reports a repeated failure once, then its recovery', async () => {
    const logger = new Logger('test');
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const log = jest.spyOn(logger, 'log').mockImplementation(() => undefined);
    let ticks = 0;
    const worker = new PeriodicWorker(logger, 1, async () => {
      ticks++;
      if (ticks <= 5) throw new Error("Table 'txmsg_outbox' doesn't exist");
      return false;
    });
    worker.start();
    await waitFor(() => ticks >= 7);
    await worker.stop();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(log).toHaveBeenCalledWith(expect.stringContaining('recovered'));
  });

  it('stops within its bound when the tick in progress never ends (a statement stuck in a lock wait)', async () => {
    let ticking = false;
    const worker = new PeriodicWorker(new Logger('test'), 1, async () => {
      ticking = true;
      return new Promise<boolean>(() => undefined);
    });
    worker.start();
    await waitFor(() => ticking);
    const started = Date.now();
    await worker.stop(50);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(worker.isRunning).toBe(false);
  });
});
