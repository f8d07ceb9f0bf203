import { RabbitSubscribe } from '@golevelup/nestjs-rabbitmq';
import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { type INestApplication, Injectable, Module } from '@nestjs/common';
import type { ConsumeMessage } from 'amqplib';
import request from 'supertest';
import { Idempotent, IntegrationEvent, Outbox, UnrecoverableMessageError } from '../src';
import { ORDERING_HEADERS } from '../src/ordering/ordering-headers';
import { waitFor } from '../src/testing';
import { startTestApp } from './support/app';
import { EXCHANGE } from './support/fixtures';
import { ENGINE, createTestDatabase, createVhost, dialect, sql } from './support/infra';
import { BrokerProbe } from './support/probe';

const STEP = 'test.order.step';
const QUEUE = 'test.ordered-steps';
const GAP_QUEUE = 'test.ordered-steps-with-short-gap';
const SKIP_QUEUE = 'test.ordered-steps-skipping-parked';
/** A queue of its own routing key, so only the tests that publish to it straight reach its consumer. */
const LONG_GAP_QUEUE = 'test.ordered-steps-with-long-gap';
const LONG_GAP_MS = 3000;
const q = (statement: string) => dialect.sql(statement);

@IntegrationEvent(STEP, { orderingKey: 'order' })
class OrderStep {
  constructor(
    readonly order: string,
    readonly step: number,
  ) {}
}

/** Writes steps of orders, each in a transaction of its own. */
@Injectable()
class OrderWriter {
  constructor(private readonly outbox: Outbox) {}

  @Transactional()
  async write(order: string, step: number): Promise<void> {
    await this.outbox.publish(new OrderStep(order, step));
  }
}

/** Applies steps in order (and, with a short gap timeout, on a second queue); records the order it applied them in. */
@Injectable()
class StepConsumer {
  /**
   * Failures of the `steps` consumer to script, by `order:step`: how many times it throws, or
   * 'park' for at once; `<consumer>|order:step` for another consumer.
   */
  readonly failures = new Map<string, number | 'park'>();

  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  @RabbitSubscribe({ exchange: EXCHANGE, routingKey: STEP, queue: QUEUE })
  @Idempotent({ ordered: true, consumer: 'steps' })
  async onStep(payload: { order: string; step: number }, message: ConsumeMessage): Promise<void> {
    await this.apply('steps', payload, message);
  }

  @RabbitSubscribe({ exchange: EXCHANGE, routingKey: STEP, queue: SKIP_QUEUE })
  @Idempotent({ ordered: { skipOnPark: true }, consumer: 'steps-skipping' })
  async onStepSkipping(payload: { order: string; step: number }, message: ConsumeMessage): Promise<void> {
    await this.apply('steps-skipping', payload, message);
  }

  @RabbitSubscribe({ exchange: EXCHANGE, routingKey: STEP, queue: GAP_QUEUE })
  @Idempotent({ ordered: { gapTimeoutMs: 500 }, consumer: 'steps-short-gap' })
  async onStepShortGap(payload: { order: string; step: number }, message: ConsumeMessage): Promise<void> {
    await this.apply('steps-short-gap', payload, message);
  }

  @RabbitSubscribe({ exchange: EXCHANGE, routingKey: 'test.order.step.long-gap', queue: LONG_GAP_QUEUE })
  @Idempotent({ ordered: { gapTimeoutMs: LONG_GAP_MS }, consumer: 'steps-long-gap' })
  async onStepLongGap(payload: { order: string; step: number }, message: ConsumeMessage): Promise<void> {
    await this.apply('steps-long-gap', payload, message);
  }

  private async apply(consumer: string, payload: { order: string; step: number }, message: ConsumeMessage) {
    const seq = Number(message.properties.headers?.[ORDERING_HEADERS.seq] ?? 0);
    await this.txHost.tx.query(q('INSERT INTO t_applied (consumer, k, step, seq) VALUES (?, ?, ?, ?)'), [
      consumer,
      payload.order,
      payload.step,
      seq,
    ]);
    const scripted = this.failures.get(`${consumer === 'steps' ? '' : `${consumer}|`}${payload.order}:${payload.step}`);
    if (scripted === 'park') throw new UnrecoverableMessageError(`step ${payload.step} of ${payload.order} refused`);
    if (typeof scripted === 'number' && scripted > 0) {
      this.failures.set(`${consumer === 'steps' ? '' : `${consumer}|`}${payload.order}:${payload.step}`, scripted - 1);
      throw new Error(`step ${payload.step} of ${payload.order} failed`);
    }
  }
}

@Module({ providers: [OrderWriter, StepConsumer] })
class OrderingFixtureModule {}

const APPLIED_TABLE =
  ENGINE === 'postgres'
    ? `CREATE TABLE t_applied (id BIGSERIAL PRIMARY KEY, consumer VARCHAR(64) NOT NULL, k VARCHAR(64) NOT NULL,
         step INT NOT NULL, seq INT NOT NULL)`
    : `CREATE TABLE t_applied (id BIGINT AUTO_INCREMENT PRIMARY KEY, consumer VARCHAR(64) NOT NULL, k VARCHAR(64) NOT NULL,
         step INT NOT NULL, seq INT NOT NULL)`;

describe('Ordered consumers', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let apps: INestApplication[];
  let probe: BrokerProbe;

  const start = () =>
    startTestApp({
      database: db.name,
      uri: vhost.uri,
      listen: true,
      modules: [OrderingFixtureModule],
      txmsg: { retry: { ladderMs: [300, 600], scanIntervalMs: 50 } },
    });

  beforeEach(async () => {
    db = await createTestDatabase('ordering');
    vhost = await createVhost('ordering');
    await sql(APPLIED_TABLE, [], db.name);
    apps = [await start()];
    probe = await BrokerProbe.open(vhost.uri);
  });

  afterEach(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await probe.close();
    await vhost.remove();
    await db.drop();
  });

  /** Committed applications of `consumer` (the `steps` one by default), in the order they committed, per key. */
  const appliedByKey = async (consumer = 'steps') => {
    // The cursor row serialises a key's transactions: their inserts into t_applied follow their commit order.
    const rows = await sql<Array<{ k: string; step: number; seq: number }>>(
      'SELECT k, step, seq FROM t_applied WHERE consumer = ? ORDER BY id',
      [consumer],
      db.name,
    );
    const byKey = new Map<string, number[]>();
    for (const row of rows) byKey.set(row.k, [...(byKey.get(row.k) ?? []), Number(row.step)]);
    return byKey;
  };
  const steps = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
  const writer = () => apps[0].get(OrderWriter);

  /** A message of `order` at sequence `seq` as the producer `test-svc` would send it, straight to the exchange. */
  const publishStep = (order: string, step: number, seq = step) =>
    probe.publish(
      EXCHANGE,
      STEP,
      { order, step },
      {
        messageId: `${order}-${step}`,
        appId: 'test-svc',
        headers: { [ORDERING_HEADERS.key]: order, [ORDERING_HEADERS.seq]: seq },
      },
    );

  it('numbers the messages of a key in the order their transactions commit, whatever their concurrency', async () => {
    await Promise.all(steps(20).map((step) => writer().write('o-concurrent', step)));
    const rows = await sql<Array<{ headers: string }>>('SELECT headers FROM txmsg_outbox ORDER BY id', [], db.name);
    const seqs = rows.map((row) => Number(JSON.parse(row.headers)[ORDERING_HEADERS.seq])).sort((a, b) => a - b);
    expect(seqs).toEqual(steps(20));
    await waitFor(async () => (await appliedByKey()).get('o-concurrent')?.length === 20, {
      description: 'all 20 applied',
    });
    // Applied in sequence order, which is the commit order.
    const applied = await sql<Array<{ seq: number }>>(
      "SELECT seq FROM t_applied WHERE consumer = 'steps' ORDER BY id",
      [],
      db.name,
    );
    expect(applied.map((row) => Number(row.seq))).toEqual(steps(20));
  });

  it('applies messages that arrive out of order in the order of their key, each once', async () => {
    for (const step of [3, 1, 5, 2, 2, 4, 1]) await publishStep('o-shuffled', step);
    await waitFor(async () => (await appliedByKey()).get('o-shuffled')?.length === 5, {
      description: 'five steps applied',
    });
    expect((await appliedByKey()).get('o-shuffled')).toEqual([1, 2, 3, 4, 5]);
    // Nothing is left held back once the key has caught up.
    await waitFor(async () => (await sql('SELECT COUNT(*) AS n FROM txmsg_ordering_held', [], db.name))[0].n == 0, {
      description: 'held messages released',
    });
  });

  it('lets a message on the retry ladder hold back the later messages of its key only', async () => {
    const consumer = apps[0].get(StepConsumer);
    consumer.failures.set('o-slow:2', 2); // two rungs of the ladder: 300 ms, then 600 ms
    for (const step of steps(5)) await writer().write('o-slow', step);
    for (const step of steps(5)) await writer().write('o-fast', step);
    await waitFor(async () => (await appliedByKey()).get('o-fast')?.length === 5, { description: 'o-fast applied' });
    // While o-slow's step 2 waits on the ladder, o-fast went through; o-slow is past step 1 only.
    expect((await appliedByKey()).get('o-slow')).toEqual([1]);
    await waitFor(async () => (await appliedByKey()).get('o-slow')?.length === 5, {
      description: 'o-slow applied',
      timeoutMs: 15_000,
    });
    expect((await appliedByKey()).get('o-slow')).toEqual(steps(5));
    expect((await appliedByKey()).get('o-fast')).toEqual(steps(5));
  });

  it('blocks a key behind a parked message until an operator skips it, and lists it as blocked', async () => {
    const consumer = apps[0].get(StepConsumer);
    consumer.failures.set('o-parked:2', 'park');
    consumer.failures.set('steps-skipping|o-parked:2', 'park');
    for (const step of steps(4)) await writer().write('o-parked', step);
    await writer().write('o-other', 1);
    const admin = () => request(apps[0].getHttpServer());
    const auth = { Authorization: 'Bearer test-admin-token' };
    await waitFor(
      async () => {
        const { body } = await admin().get('/txmsg/ordering/blocked').set(auth).expect(200);
        return body.items.some((k: { key: string; held: number }) => k.key === 'o-parked' && k.held === 2);
      },
      { description: 'o-parked blocked with steps 3 and 4 held' },
    );
    const { body } = await admin().get('/txmsg/ordering/blocked').set(auth).expect(200);
    expect(body.items.filter((k: { consumer: string }) => k.consumer === 'steps')).toEqual([
      expect.objectContaining({ consumer: 'steps', source: 'test-svc', key: 'o-parked', lastSeq: 1, blockedSeq: 2 }),
    ]);
    const { text: metrics } = await admin().get('/metrics').expect(200);
    expect(metrics).toMatch(/^txmsg_ordering_blocked_keys\{consumer="steps"[^}]*\} 1$/m);
    expect(metrics).toMatch(/^txmsg_ordering_held\{consumer="steps"[^}]*\} 2$/m);
    // The consumer that skips parked messages went on by itself.
    await waitFor(async () => (await appliedByKey('steps-skipping')).get('o-parked')?.length === 3, {
      description: 'steps 3, 4 applied past the parked one',
    });
    expect((await appliedByKey('steps-skipping')).get('o-parked')).toEqual([1, 3, 4]);
    expect((await appliedByKey()).get('o-other')).toEqual([1]);
    expect((await appliedByKey()).get('o-parked')).toEqual([1]);

    await admin()
      .post('/txmsg/ordering/skip')
      .set(auth)
      .send({ consumer: 'steps', source: 'test-svc', key: 'o-parked' })
      .expect(200, { consumer: 'steps', source: 'test-svc', key: 'o-parked', skippedTo: 2 });
    await waitFor(async () => (await appliedByKey()).get('o-parked')?.length === 3, {
      description: 'steps 3, 4 applied',
    });
    expect((await appliedByKey()).get('o-parked')).toEqual([1, 3, 4]);
    await admin()
      .post('/txmsg/ordering/skip')
      .set(auth)
      .send({ consumer: 'steps', source: 'test-svc', key: 'o-parked' })
      .expect(404);
    await admin().post('/txmsg/ordering/skip').set(auth).send({ consumer: 'steps' }).expect(400);
  });

  it('goes on after the requeue of a parked message, in order', async () => {
    const consumer = apps[0].get(StepConsumer);
    consumer.failures.set('o-requeued:1', 'park');
    for (const step of steps(3)) await writer().write('o-requeued', step);
    const parked = async () =>
      sql<Array<{ id: number }>>("SELECT id FROM txmsg_inbox_failure WHERE status = 'PARKED'", [], db.name);
    await waitFor(async () => (await parked()).length === 1, { description: 'step 1 parked' });
    await waitFor(async () => (await sql('SELECT COUNT(*) AS n FROM txmsg_ordering_held', [], db.name))[0].n == 2, {
      description: 'steps 2 and 3 held',
    });
    consumer.failures.delete('o-requeued:1'); // fixed
    await request(apps[0].getHttpServer())
      .post(`/txmsg/parked/${(await parked())[0].id}/requeue`)
      .set({ Authorization: 'Bearer test-admin-token' })
      .expect(200);
    await waitFor(async () => (await appliedByKey()).get('o-requeued')?.length === 3, { description: 'all applied' });
    expect((await appliedByKey()).get('o-requeued')).toEqual([1, 2, 3]);
  });

  it('goes on past a parked message skipped as handled, and never applies it', async () => {
    const consumer = apps[0].get(StepConsumer);
    consumer.failures.set('o-skipped:1', 'park');
    for (const step of steps(3)) await writer().write('o-skipped', step);
    const parked = async () =>
      sql<Array<{ id: number; message_id: string }>>(
        "SELECT id, message_id FROM txmsg_inbox_failure WHERE status = 'PARKED' AND consumer = 'steps'",
        [],
        db.name,
      );
    await waitFor(async () => (await parked()).length === 1, { description: 'step 1 parked' });
    await waitFor(
      async () =>
        (await sql("SELECT COUNT(*) AS n FROM txmsg_ordering_held WHERE consumer = 'steps'", [], db.name))[0].n == 2,
      { description: 'steps 2 and 3 held' },
    );
    const [skipped] = await parked();
    await request(apps[0].getHttpServer())
      .post(`/txmsg/parked/${skipped.id}/skip`)
      .set({ Authorization: 'Bearer test-admin-token' })
      .expect(200, { skipped: 1 });
    await waitFor(async () => (await appliedByKey()).get('o-skipped')?.length === 2, {
      description: 'steps 2 and 3 applied',
    });
    expect((await appliedByKey()).get('o-skipped')).toEqual([2, 3]);
    expect(await parked()).toEqual([]);
    const [{ n }] = await sql(
      "SELECT COUNT(*) AS n FROM txmsg_dedup WHERE consumer = 'steps' AND message_id = ?",
      [skipped.message_id],
      db.name,
    );
    expect(Number(n)).toBe(1);
  });

  it('goes on without a predecessor it never received once the gap timeout has passed', async () => {
    // Steps 1 and 2 reach only the first queue (sent straight to it); the second consumer never sees them.
    for (const step of [1, 2]) {
      await probe.publish(
        '',
        QUEUE,
        { order: 'o-gap', step },
        {
          messageId: `o-gap-${step}`,
          appId: 'test-svc',
          headers: { [ORDERING_HEADERS.key]: 'o-gap', [ORDERING_HEADERS.seq]: step },
        },
      );
    }
    const sentAt = Date.now();
    await publishStep('o-gap', 3);
    await waitFor(async () => (await appliedByKey('steps-short-gap')).get('o-gap')?.length === 1, {
      description: 'step 3 applied by the consumer with a short gap',
    });
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(500);
    await waitFor(async () => (await appliedByKey()).get('o-gap')?.length === 3, {
      description: 'all three, first queue',
    });
    expect((await appliedByKey()).get('o-gap')).toEqual([1, 2, 3]);
  });

  /** Step `step` of `order` at sequence `step`, straight to the long-gap consumer's queue. */
  const toLongGap = (order: string, step: number) =>
    probe.publish(
      '',
      LONG_GAP_QUEUE,
      { order, step },
      {
        messageId: `${order}-${step}`,
        appId: 'test-svc',
        headers: { [ORDERING_HEADERS.key]: order, [ORDERING_HEADERS.seq]: step },
      },
    );
  const heldSeqs = async (order: string) =>
    (
      await sql<Array<{ seq: number }>>(
        "SELECT seq FROM txmsg_ordering_held WHERE consumer = 'steps-long-gap' AND ordering_key = ? ORDER BY seq",
        [order],
        db.name,
      )
    ).map((row) => Number(row.seq));
  const longGapCursor = async (order: string) =>
    Number(
      (
        await sql<Array<{ last_seq: number }>>(
          "SELECT last_seq FROM txmsg_ordering_cursor WHERE consumer = 'steps-long-gap' AND ordering_key = ?",
          [order],
          db.name,
        )
      )[0]?.last_seq ?? 0,
    );

  it('counts the gap from when the key last moved on, not from when a message was first held', async () => {
    const consumer = apps[0].get(StepConsumer);
    // Step 3 waits behind a parked step 1 for longer than the gap timeout.
    consumer.failures.set('steps-long-gap|o-clock:1', 'park');
    await toLongGap('o-clock', 1);
    await toLongGap('o-clock', 3);
    await waitFor(async () => (await heldSeqs('o-clock')).includes(3), { description: 'step 3 held' });
    const heldSince = Date.now();
    await waitFor(() => Date.now() - heldSince > LONG_GAP_MS, {
      timeoutMs: LONG_GAP_MS * 3,
      description: 'step 3 held longer than the gap timeout',
    });
    consumer.failures.delete('steps-long-gap|o-clock:1'); // fixed
    await request(apps[0].getHttpServer())
      .post('/txmsg/parked/requeue')
      .set({ Authorization: 'Bearer test-admin-token' })
      .expect(200);
    await waitFor(async () => (await longGapCursor('o-clock')) === 1, { description: 'step 1 applied' });
    // Step 3 comes again (a redelivery) and must still wait for step 2, which is on its way: the
    // key moved on just now. Counted from its first hold, the wait would be over and 3 would go first.
    await toLongGap('o-clock', 3);
    await toLongGap('o-clock', 2);
    await waitFor(async () => (await appliedByKey('steps-long-gap')).get('o-clock')?.length === 3, {
      description: 'all three applied',
    });
    expect((await appliedByKey('steps-long-gap')).get('o-clock')).toEqual([1, 2, 3]);
  });

  it('gives up on a predecessor that never comes once the failing message in front of it is through', async () => {
    const consumer = apps[0].get(StepConsumer);
    consumer.failures.set('steps-long-gap|o-after-failure:1', 2);
    await toLongGap('o-after-failure', 1);
    await toLongGap('o-after-failure', 3); // step 2 never comes
    await waitFor(async () => (await longGapCursor('o-after-failure')) === 1, {
      description: 'step 1 applied on its third attempt',
    });
    const movedAt = Date.now();
    // Step 3 waited behind a failing message (no due time); now it waits the gap for step 2, then goes on.
    await waitFor(async () => (await appliedByKey('steps-long-gap')).get('o-after-failure')?.length === 2, {
      timeoutMs: LONG_GAP_MS * 5,
      description: 'step 3 applied without step 2',
    });
    expect(Date.now() - movedAt).toBeGreaterThanOrEqual(LONG_GAP_MS - 500);
    expect((await appliedByKey('steps-long-gap')).get('o-after-failure')).toEqual([1, 3]);
  });
});
