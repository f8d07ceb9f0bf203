import type { INestApplication } from '@nestjs/common';
import { waitFor } from '../src/testing';
import { startTestApp } from './support/app';
import { EXCHANGE, THING_HAPPENED, THINGS_QUEUE, ThingConsumer } from './support/fixtures';
import { createTestDatabase, createVhost, sql } from './support/infra';
import { BrokerProbe } from './support/probe';

/** The second rung is long enough for the first application to close before it is due. */
const LADDER_MS = [100, 4000, 100];

describe('Retry ladder across a restart', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let app: INestApplication | undefined;
  let probe: BrokerProbe;

  beforeAll(async () => {
    db = await createTestDatabase('restart');
    vhost = await createVhost('restart');
    probe = await BrokerProbe.open(vhost.uri);
  });

  afterAll(async () => {
    await app?.close();
    await probe.close();
    await vhost.remove();
    await db.drop();
  });

  const start = () =>
    startTestApp({ database: db.name, uri: vhost.uri, consumer: true, txmsg: { retry: { ladderMs: LADDER_MS } } });
  const failure = async () =>
    (
      await sql<{ attempts: number; status: string }[]>('SELECT attempts, status FROM txmsg_inbox_failure', [], db.name)
    )[0];

  it('retries on the next rung after a restart, carrying the attempt count on, and applies once', async () => {
    app = await start();
    const before = app.get(ThingConsumer);
    before.failures.set('r1', 2);
    await probe.publish(EXCHANGE, THING_HAPPENED, { id: 'r1' }, { messageId: 'r1-msg' });
    await waitFor(async () => (await failure())?.attempts === 2, { description: 'failed twice' });
    expect(await failure()).toEqual({ attempts: 2, status: 'WAITING' });
    await app.close();
    app = undefined;
    expect(before.deliveries.map((d) => d.attempt)).toEqual([0, 1]);

    // A new process on the same database and vhost, whose handler no longer fails.
    app = await start();
    const after = app.get(ThingConsumer);
    await waitFor(
      async () =>
        Number((await sql('SELECT times FROM t_effects WHERE k = ?', ['thing:r1'], db.name))[0]?.times ?? 0) === 1,
      {
        timeoutMs: 15_000,
        description: 'applied by the new process',
      },
    );
    expect(after.deliveries.map((d) => d.attempt)).toEqual([2]);
    expect(after.deliveries[0].at - before.deliveries[1].at).toBeGreaterThanOrEqual(LADDER_MS[1]);
    await waitFor(async () => (await failure()) === undefined, { description: 'failure record cleared' });
    await waitFor(async () => (await probe.queueDepth(THINGS_QUEUE)) === 0, { description: 'queue drained' });
    expect(Number((await sql('SELECT COUNT(*) AS n FROM txmsg_dedup', [], db.name))[0].n)).toBe(1);
  });
});
