import type { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { waitFor } from '../src/testing';
import { startTestApp } from './support/app';
import { EXCHANGE, THING_HAPPENED, ThingConsumer } from './support/fixtures';
import { createTestDatabase, createVhost, sql } from './support/infra';
import { BrokerProbe } from './support/probe';

// The retry scheduler publishes with no transaction open and records the outcome afterwards, so a
// retry can come back, fail again and schedule its next rung before the scheduler marks it sent.
describe('Retry scheduler outcomes recorded after the publish', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let app: INestApplication | undefined;
  let probe: BrokerProbe | undefined;

  beforeAll(async () => {
    db = await createTestDatabase('retry_lease');
    vhost = await createVhost('retry_lease');
  });

  afterAll(async () => {
    await app?.close();
    await probe?.close();
    await vhost?.remove();
    await db?.drop();
  });

  it('keeps the next rung of a retry that failed again before it was marked dispatched', async () => {
    app = await startTestApp({ database: db.name, uri: vhost.uri, consumer: true });
    const consumer = app.get(ThingConsumer);
    const dataSource = app.get<DataSource>(getDataSourceToken());
    const attempts = async () =>
      Number((await sql('SELECT attempts FROM txmsg_inbox_failure', [], db.name))[0]?.attempts ?? 0);
    const query = dataSource.query.bind(dataSource);
    let held = false;
    jest.spyOn(dataSource, 'query').mockImplementation(async (statement: string, ...rest: unknown[]) => {
      if (!held && /SET status = 'DISPATCHED'/.test(statement)) {
        // Hold the first mark until the retry it is about has come back and failed a second time.
        held = true;
        await waitFor(async () => (await attempts()) >= 2, {
          timeoutMs: 10_000,
          description: 'second failure recorded',
        });
      }
      return query(statement, ...(rest as [unknown[]]));
    });
    consumer.failures.set('late-mark', 2);

    probe = await BrokerProbe.open(vhost.uri);
    await probe.publish(EXCHANGE, THING_HAPPENED, { id: 'late-mark' }, { messageId: 'late-mark-msg' });

    await waitFor(async () => consumer.deliveries.filter((d) => d.id === 'late-mark').length === 3, {
      timeoutMs: 10_000,
      description: 'the third delivery, after the second failure',
    });
    expect(held).toBe(true);
    await waitFor(async () => (await sql('SELECT 1 FROM txmsg_inbox_failure', [], db.name)).length === 0, {
      description: 'failure record cleared once applied',
    });
    expect(await sql('SELECT times FROM t_effects WHERE k = ?', ['thing:late-mark'], db.name)).toEqual([{ times: 1 }]);
  });
});
