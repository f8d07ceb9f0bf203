import type { Logger } from '@nestjs/common';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { type Read, readAll } from './backlog-read';
import { reusedFor } from './reused-read';
import { SCRAPE_GAUGES, seriesOf } from './scrape-gauges';
import { SCRAPE_QUERY_NAMES, type ScrapeQuery, type ScrapeStatements } from './scrape-queries';

/**
 * Registers the gauges read from the database at scrape time, and how those reads went.
 *
 * A failed read (the database down, a table missing) must not look like an empty backlog to an
 * alert. As Prometheus exporters do when a scrape still has other useful metrics (the process's,
 * the publish-failure counters), the scrape succeeds: the gauges of a failed query are left out
 * rather than reported as zero, `txmsg_backlog_up` is 0, `txmsg_metrics_query_errors_total`
 * counts the failure by query, `txmsg_backlog_read_errors_total` counts the failed read, and the
 * failure is logged as an error (once per query until it reads again).
 *
 * The endpoint is unauthenticated by default and a scrape is cheap to send, so the database must
 * not pay for each one: a read runs at most once per `readIntervalMs`, and every collector of
 * every scrape in that window — including scrapes that arrive while the read runs — is served
 * that one read (a failed one too, so it is not retried by every scrape either). prom-client
 * collects every metric of a scrape concurrently; all await the same promise, so `up` describes
 * exactly the values served.
 */
export function registerBacklogGauges(
  dataSource: DataSource,
  statements: ScrapeStatements,
  registers: Registry[],
  logger: Logger,
  readIntervalMs: number,
): void {
  const failing = new Set<ScrapeQuery>();
  const queryErrors = new Map<ScrapeQuery, number>();
  let failedScrapes = 0;
  const note = (read: Read): Read => {
    const failed = Object.entries(read).filter(([, result]) => !result.ok).length > 0;
    if (failed) failedScrapes++;
    for (const [name, result] of Object.entries(read) as [ScrapeQuery, Read[ScrapeQuery]][]) {
      if (result.ok) {
        if (failing.delete(name)) logger.log(`metrics query ${name} reads from the database again`);
        continue;
      }
      queryErrors.set(name, (queryErrors.get(name) ?? 0) + 1);
      if (!failing.has(name))
        logger.error(`metrics query ${name} failed, its gauges are absent: ${result.error.message}`);
      failing.add(name);
    }
    return read;
  };
  const read = reusedFor(readIntervalMs, () => readAll(dataSource, statements).then(note));

  for (const gauge of SCRAPE_GAUGES) {
    new Gauge({
      name: gauge.name,
      help: gauge.help,
      labelNames: gauge.labelNames,
      registers,
      async collect() {
        const result = (await read())[gauge.query];
        this.reset();
        if (result.ok) for (const { labels, value } of seriesOf(gauge, result.rows)) this.set(labels, value);
      },
    });
  }
  new Gauge({
    name: 'txmsg_backlog_up',
    help: '1 when the read this scrape serves got every database gauge, 0 when a query failed (its gauges are then absent).',
    registers,
    async collect() {
      this.set(Object.values(await read()).every((result) => result.ok) ? 1 : 0);
    },
  });
  new Counter({
    name: 'txmsg_backlog_read_errors_total',
    help: 'Reads of the database gauges in which a query failed (one read serves every scrape of its interval).',
    registers,
    async collect() {
      await read();
      this.reset();
      this.inc(failedScrapes);
    },
  });
  new Counter({
    name: 'txmsg_metrics_query_errors_total',
    help: 'Failed database reads of scrape-time gauges, by query (every query is present, 0 when it never failed).',
    labelNames: ['query'],
    registers,
    async collect() {
      await read();
      this.reset();
      for (const query of SCRAPE_QUERY_NAMES) this.inc({ query }, queryErrors.get(query) ?? 0);
    },
  });
}
