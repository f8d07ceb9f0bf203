import { SCRAPE_GAUGES, seriesOf } from './scrape-gauges';
import type { StoreDatabase } from '../store/store-database';
import { FailureStore } from '../store/failure-store';
import { NotificationStore } from '../store/notification-store';
import { OrderingStore } from '../store/ordering-store';
import { OutboxStore } from '../store/outbox-store';
import { MYSQL, POSTGRES } from '../store/sql-dialect';
import { SCRAPE_QUERY_NAMES, scrapeStatements } from './scrape-queries';

describe('scrape gauges', () => {
  it('turns rows into series: label columns as labels, n as the value', () => {
    const parked = SCRAPE_GAUGES.find((g) => g.name === 'txmsg_inbox_parked')!;
    expect(seriesOf(parked, [{ consumer: 'a', reason: 'POISON', n: '3', extra: 'x' }])).toEqual([
      { labels: { consumer: 'a', reason: 'POISON' }, value: 3 },
    ]);
  });

  it('reads every gauge from a known query, in base units and with the txmsg_ prefix', () => {
    for (const dialect of [MYSQL, POSTGRES]) {
      const db = { dialect } as StoreDatabase;
      const statements = scrapeStatements({
        db,
        outbox: new OutboxStore(db),
        failures: new FailureStore(db),
        notifications: new NotificationStore(db),
        ordering: new OrderingStore(db),
      });
      for (const gauge of SCRAPE_GAUGES) {
        expect(SCRAPE_QUERY_NAMES).toContain(gauge.query);
        expect(gauge.name).toMatch(/^txmsg_[a-z_]+$/);
        if (gauge.name.includes('age')) expect(gauge.name).toMatch(/_seconds$/);
        // Every label is a column the query selects.
        for (const label of gauge.labelNames) expect(statements[gauge.query]).toContain(label);
      }
    }
  });
});
