import type { INestApplication } from '@nestjs/common';
import { createHash } from 'node:crypto';
import request from 'supertest';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { MessageTooLargeError, Outbox } from '../src';
import { waitFor } from '../src/testing';
import { startTestApp } from './support/app';
import { EXCHANGE, OTHERS_QUEUE, THING_HAPPENED, THINGS_QUEUE, ThingConsumer, ThingService } from './support/fixtures';
import { createTestDatabase, createVhost, dialect, ENGINE, sql } from './support/infra';
import { keptBodyBytes } from './support/sql-fragments';
import { BrokerProbe } from './support/probe';

const KEY = { keyId: 'test-svc-1', secret: 'a-test-signing-secret-of-32-chars!!' };
const OTHER_KEY = { keyId: 'intruder-1', secret: 'another-secret-nobody-here-trusts-at-all' };

describe('Hostile input on the broker', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let app: INestApplication;
  let probe: BrokerProbe;
  let consumer: ThingConsumer;

  async function start(txmsg: Parameters<typeof startTestApp>[0]['txmsg'], signWith?: typeof KEY) {
    app = await startTestApp({ database: db.name, uri: vhost.uri, consumer: true, listen: true, txmsg });
    consumer = app.get(ThingConsumer);
    probe = await BrokerProbe.open(vhost.uri, { signWith });
  }

  beforeEach(async () => {
    db = await createTestDatabase('hostile');
    vhost = await createVhost('hostile');
  });

  afterEach(async () => {
    await app?.close();
    await probe?.close();
    await vhost.remove();
    await db.drop();
  });

  const parked = () =>
    sql<any[]>(
      `SELECT message_id, reason, attempts, body_size, payload_hash, ${keptBodyBytes('body')} AS kept, last_error
         FROM txmsg_inbox_failure WHERE status = 'PARKED' ORDER BY id`,
      [],
      db.name,
    );
  /** The parked rows, once there are `n` of them. */
  const parkedRows = async (n: number): Promise<any[]> =>
    (await waitFor(
      async () => {
        const rows = await parked();
        return rows.length === n ? rows : undefined;
      },
      { description: `${n} messages parked` },
    )) as any[];
  /** How many deliveries of `consumer` had `outcome`, by the library's own counter. */
  const counted = async (outcome: string, consumer = 'ThingConsumer.onThing') => {
    const { text } = await request(app.getHttpServer()).get('/metrics');
    const line = new RegExp(
      `txmsg_consumer_messages_total\\{consumer="${consumer}",outcome="${outcome}"[^}]*\\} (\\d+)`,
    );
    return Number(line.exec(text)?.[1] ?? 0);
  };
  const times = async (effect: string) =>
    Number((await sql('SELECT times FROM t_effects WHERE k = ?', [effect], db.name))[0]?.times ?? 0);
  const sha256 = (body: Buffer | string) => createHash('sha256').update(body).digest('hex');
  const thing = (id: string, note = 'n') => Buffer.from(JSON.stringify({ id, note }));
  const applied = (id: string) =>
    waitFor(async () => (await times(`thing:${id}`)) === 1, { description: `${id} applied` });

  describe('limits', () => {
    beforeEach(() => start({ messages: { maxBytes: 256 * 1024 }, broker: { prefetch: 10 } }));

    it('parks an oversized message at once, unparsed, keeping 4 KiB of it in the database and all of it on the broker', async () => {
      const body = Buffer.concat([Buffer.from('{"id":"big","note":"'), Buffer.alloc(400_000, 0x61), Buffer.from('"}')]);
      await probe.publish(EXCHANGE, THING_HAPPENED, body, { messageId: 'big-1' });
      await probe.publish(EXCHANGE, THING_HAPPENED, thing('after-big'), { messageId: 'after-big-1' });

      await applied('after-big');
      const [row] = await parkedRows(1);
      expect(row).toMatchObject({
        message_id: 'big-1',
        reason: 'OVERSIZED',
        attempts: 1,
        body_size: body.length,
        kept: 4096,
      });
      expect(row.payload_hash).toBe(sha256(body));
      await waitFor(async () => (await probe.queueDepth(`${THINGS_QUEUE}.parked`)) === 1, {
        description: 'the whole message in the parking queue',
      });
      expect(consumer.deliveries.map((d) => d.id)).toEqual(['after-big']);

      // Its truncated copy cannot be sent back from the database; the broker's copy can.
      const requeue = await request(app.getHttpServer())
        .post('/txmsg/parked/requeue')
        .set({ Authorization: 'Bearer test-admin-token' });
      expect(requeue.body).toEqual({ requeued: 0 });
    });

    it('parks a 100 000-deep JSON body at once as poison, never on the ladder', async () => {
      const deep = '{"id":"deep","note":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}';
      await probe.publish(EXCHANGE, THING_HAPPENED, deep, { messageId: 'deep-1' });
      await probe.publish(EXCHANGE, THING_HAPPENED, thing('after-deep'), { messageId: 'after-deep-1' });

      await applied('after-deep');
      const rows = await parkedRows(1);
      expect(rows).toMatchObject([{ message_id: 'deep-1', reason: 'POISON', attempts: 1 }]);
      expect(rows[0].last_error).toContain('nested deeper than 64 levels');
    });

    it('refuses to write an oversized message in the producer transaction, and writes nothing of it', async () => {
      const txHost = app.get<TransactionHost<TransactionalAdapterTypeOrm>>(TransactionHost);
      const write = txHost.withTransaction(async () => {
        await txHost.tx.query(dialect.sql('INSERT INTO t_ledger (id, note) VALUES (?, ?)'), ['huge', 'x']);
        await app.get(Outbox).add({ routingKey: THING_HAPPENED, payload: { id: 'huge', note: 'é'.repeat(140_000) } });
      });
      await expect(write).rejects.toBeInstanceOf(MessageTooLargeError);
      await expect(write).rejects.toThrow(/280\d{3} bytes of JSON, over the maximum message size of 262144 bytes/);
      expect(await sql('SELECT COUNT(*) AS n FROM t_ledger WHERE id = ?', ['huge'], db.name)).toEqual([{ n: 0 }]);
      expect(await sql('SELECT COUNT(*) AS n FROM txmsg_outbox', [], db.name)).toEqual([{ n: 0 }]);
    });
  });

  describe('conflicts', () => {
    beforeEach(() => start({}));

    it('keeps both bodies of two bad messages under one message id, the second parked as a conflict', async () => {
      await probe.publish(EXCHANGE, THING_HAPPENED, 'first garbage', { messageId: 'same-id' });
      await waitFor(async () => (await parked()).length === 1);
      await probe.publish(EXCHANGE, THING_HAPPENED, 'second garbage', { messageId: 'same-id' });

      const rows = await parkedRows(2);
      expect(rows.map((r: any) => r.reason)).toEqual(['POISON', 'CONFLICT']);
      const page = await request(app.getHttpServer())
        .get('/txmsg/parked')
        .set({ Authorization: 'Bearer test-admin-token' });
      expect(page.body.items.map((m: any) => [m.messageId, m.body, m.reason])).toEqual([
        ['same-id', 'second garbage', 'CONFLICT'],
        ['same-id', 'first garbage', 'POISON'],
      ]);
      expect(page.body.items[0].lastError).toContain(sha256('first garbage'));
    });

    it('parks a different body under a dedup key already applied as a conflict, applies nothing of it, and still takes the same body as a duplicate', async () => {
      await probe.publish(EXCHANGE, THING_HAPPENED, thing('k1', 'amount 100.00'), { messageId: 'k1-a' });
      await applied('k1');
      await probe.publish(EXCHANGE, THING_HAPPENED, thing('k1', 'amount 100.00'), { messageId: 'k1-b' });
      await probe.publish(EXCHANGE, THING_HAPPENED, thing('k1', 'amount 999.00'), { messageId: 'k1-c' });

      const rows = await parkedRows(1);
      expect(rows).toMatchObject([{ message_id: 'k1-c', reason: 'CONFLICT', attempts: 1 }]);
      expect(rows[0].last_error).toContain(sha256(thing('k1', 'amount 100.00')));
      await waitFor(async () => (await probe.queueDepth(THINGS_QUEUE)) === 0);
      expect(await times('thing:k1')).toBe(1);
      expect(await counted('conflict')).toBe(1);
      expect(await counted('duplicate')).toBe(1);
    });
  });

  describe('signed messages', () => {
    beforeEach(() =>
      start({ messages: { signing: { keyId: KEY.keyId, keys: { [KEY.keyId]: KEY.secret }, maxAgeMs: 30_000 } } }, KEY),
    );

    it('applies what the outbox signed, and a message of a trusted producer through the whole ladder', async () => {
      await app.get(ThingService).create('own', 'from the outbox');
      await applied('own');
      consumer.failures.set('flaky', 2);
      await probe.publish(EXCHANGE, THING_HAPPENED, thing('flaky'), { messageId: 'flaky-1' });
      await applied('flaky');
      expect(consumer.deliveries.filter((d) => d.id === 'flaky').map((d) => d.attempt)).toEqual([0, 1, 2]);
      expect(await parked()).toEqual([]);
    });

    it('parks unsigned, untrusted, altered, stale and misdirected messages as FORGED without running the handler', async () => {
      const now = Date.now();
      await probe.publish(EXCHANGE, THING_HAPPENED, thing('unsigned'), { messageId: 'f-unsigned', signWith: false });
      await probe.publish(EXCHANGE, THING_HAPPENED, thing('untrusted'), {
        messageId: 'f-untrusted',
        signWith: OTHER_KEY,
      });
      await probe.publish(EXCHANGE, THING_HAPPENED, thing('wrong-secret'), {
        messageId: 'f-wrong-secret',
        signWith: { keyId: KEY.keyId, secret: OTHER_KEY.secret },
      });
      await probe.publish(EXCHANGE, THING_HAPPENED, thing('stale'), {
        messageId: 'f-stale',
        headers: { 'x-txmsg-time': now - 60_000 },
      });
      // A valid signature over another body: the bytes were changed on the way.
      const signed = await signedHeaders(thing('genuine'), 'f-altered');
      await probe.publish(EXCHANGE, THING_HAPPENED, thing('altered'), {
        messageId: 'f-altered',
        headers: signed,
        signWith: false,
      });
      // Signed for this routing key, sent straight to a queue that consumes another one.
      await probe.publish('', OTHERS_QUEUE, thing('misdirected'), {
        messageId: 'f-misdirected',
        headers: { 'x-txmsg-routing-key': THING_HAPPENED },
      });
      await probe.publish(EXCHANGE, THING_HAPPENED, thing('genuine-after'), { messageId: 'genuine-after' });

      await applied('genuine-after');
      const rows = await parkedRows(6);
      expect(Object.fromEntries(rows.map((r: any) => [r.message_id, r.reason]))).toEqual({
        'f-unsigned': 'FORGED',
        'f-untrusted': 'FORGED',
        'f-wrong-secret': 'FORGED',
        'f-stale': 'FORGED',
        'f-altered': 'FORGED',
        'f-misdirected': 'FORGED',
      });
      expect(consumer.deliveries.map((d) => d.id)).toEqual(['genuine-after']);
      expect(await counted('forged')).toBe(5);
      expect(await counted('forged', 'ThingConsumer.onOther')).toBe(1);
    });

    /** The headers the probe would sign `body` with, as a separate publish would carry them. */
    async function signedHeaders(body: Buffer, messageId: string): Promise<Record<string, unknown>> {
      const { signInto } = await import('../src/signing/message-signature');
      const headers: Record<string, unknown> = {};
      signInto(headers, KEY, { routingKey: THING_HAPPENED, messageId, time: Date.now(), body });
      return headers;
    }
  });

  describe('an outcome the database refuses', () => {
    // Large enough to take a 17 MB body, whose parked row is past MariaDB's max_allowed_packet (16 MB)
    // (on PostgreSQL: a 2 MiB body, past the limit the test sets).
    beforeEach(() =>
      start({
        messages: { maxBytes: 32 * 1024 * 1024, inFlightBudgetBytes: 64 * 1024 * 1024 },
        broker: { prefetch: 2 },
      }),
    );

    /**
     * The size past which the database refuses a failure row, in bytes. MariaDB refuses a statement
     * past its max_allowed_packet; PostgreSQL takes a field of up to 1 GB, so there a check
     * constraint on the body stands in for the limit (1 MiB).
     */
    const refuseBodiesOverALimit = async (): Promise<number> => {
      if (ENGINE !== 'postgres') return Number((await sql<any[]>('SELECT @@max_allowed_packet AS n'))[0].n);
      const limit = 1024 * 1024;
      await sql(
        `ALTER TABLE txmsg_inbox_failure ADD CONSTRAINT t_body_limit CHECK (octet_length(body) <= ${limit})`,
        [],
        db.name,
      );
      return limit;
    };

    it('goes to the broker-side parking queue after bounded tries, never round and round', async () => {
      const limit = await refuseBodiesOverALimit();
      const body = Buffer.alloc(Math.min(limit + 1024 * 1024, 30 * 1024 * 1024), 0x7a); // not JSON: poison
      await probe.publish(EXCHANGE, THING_HAPPENED, body, { messageId: 'too-big-to-record' });
      await probe.publish(EXCHANGE, THING_HAPPENED, thing('after-refused'), { messageId: 'after-refused-1' });

      await waitFor(async () => (await probe.queueDepth(`${THINGS_QUEUE}.parked`)) === 1, {
        description: 'the unrecordable message in the parking queue',
        timeoutMs: 30_000,
      });
      await applied('after-refused');
      await waitFor(async () => (await probe.queueDepth(THINGS_QUEUE)) === 0);
      expect(await parked()).toEqual([]);
      expect(await counted('dead_lettered')).toBe(1);
      expect(await counted('requeued')).toBe(2);
    });
  });
});
