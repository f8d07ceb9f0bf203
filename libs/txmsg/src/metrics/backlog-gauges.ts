import type { Logger } from '@nestjs/common';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { BACKLOGS, type Read, readAll } from './backlog-read';

/**
 * Registers the backlog gauges, read from the database at scrape time, and how that read went.
 *
 * A failed read (the database down) must not look like an empty backlog to an alert. As
 * Prometheus exporters do when a scrape still has other useful metrics (the process's, the
 * publish-failure counters), the scrape succeeds: the backlog gauges are left out rather than
 * reported as zero, `txmsg_backlog_up` is 0 and `txmsg_backlog_read_errors_total` counts it.
 * Alert on `txmsg_backlog_up == 0` beside the backlog thresholds.
 *
 * All collectors of one scrape share one read: prom-client collects every metric of a scrape
 * concurrently, so each awaits the same promise and `up` describes exactly the values served.
 */
export function registerBacklogGauges(dataSource: DataSource, registers: Registry[], logger: Logger): void {
  let inFlight: Promise<Read> | undefined;
  let wasUp = true;
  let failures = 0;
  const read = (): Promise<Read> =>
    (inFlight ??= readAll(dataSource)
      .then((read) => {
        if (!read.ok) failures++;
        if (read.ok !== wasUp) {
          if (read.ok) logger.log('backlog metrics read from the database again');
          else logger.warn(`backlog metrics not read, reporting txmsg_backlog_up 0: ${read.error.message}`);
        }
        wasUp = read.ok;
        return read;
      })
      .finally(() => (inFlight = undefined)));

  BACKLOGS.forEach(({ name, help }, index) => {
    new Gauge({
      name,
      help,
      labelNames: ['status'],
      registers,
      async collect() {
        const result = await read();
        this.reset();
        if (result.ok) for (const row of result.counts[index]) this.set({ status: row.status }, Number(row.n));
      },
    });
  });
  new Gauge({
    name: 'txmsg_backlog_up',
    help: '1 when this scrape read the backlog gauges from the database, 0 when that failed (they are then absent).',
    registers,
    async collect() {
      this.set((await read()).ok ? 1 : 0);
    },
  });
  new Counter({
    name: 'txmsg_backlog_read_errors_total',
    help: 'Scrapes whose backlog read from the database failed.',
    registers,
    async collect() {
      await read();
      this.reset();
      this.inc(failures);
    },
  });
}
