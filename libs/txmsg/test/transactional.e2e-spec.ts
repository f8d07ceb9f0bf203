import type { INestApplication } from '@nestjs/common';
import { TransactionProducer } from '../src';
import { OutboxRelay } from '../src/outbox/outbox-relay';
import { CheckBackService } from '../src/transaction/check-back';
import { waitFor } from '../src/testing';
import { startTestApp } from './support/app';
import { EXCHANGE, type ExecuteScript, ScriptedListener, THING_HAPPENED } from './support/fixtures';
import { createTestDatabase, createVhost, dialect, sql } from './support/infra';
import { BrokerProbe } from './support/probe';

describe('Transactional messages (RocketMQ parity)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let app: INestApplication;
  let probe: BrokerProbe;
  let producer: TransactionProducer;
  let listener: ScriptedListener;

  beforeEach(async () => {
    db = await createTestDatabase('txn');
    vhost = await createVhost('txn');
    probe = await BrokerProbe.open(vhost.uri);
    await probe.watch(EXCHANGE, '#');
    app = await startTestApp({ database: db.name, uri: vhost.uri });
    producer = app.get(TransactionProducer);
    listener = app.get(ScriptedListener);
  });

  afterEach(async () => {
    await app.close();
    await probe.close();
    await vhost.remove();
    await db.drop();
  });

  const send = (id: string, execute: ExecuteScript) =>
    producer.sendMessageInTransaction('test-group', THING_HAPPENED, { id }, { execute });
  const row = async (messageId: string) =>
    (
      await sql('SELECT status, check_count, last_error FROM txmsg_outbox WHERE message_id = ?', [messageId], db.name)
    )[0];
  const ledger = async (id: string) => (await sql('SELECT id FROM t_ledger WHERE id = ?', [id], db.name)).length;

  it('delivers the message when the local transaction commits', async () => {
    const result = await send('c1', 'COMMIT');
    expect(result.state).toBe('COMMIT');
    await waitFor(() => probe.received.length === 1, { description: 'delivery' });
    expect(probe.received[0].properties.messageId).toBe(result.messageId);
    expect(await ledger('c1')).toBe(1);
    await waitFor(async () => (await row(result.messageId)).status === 'PUBLISHED');
    expect(listener.checks).toEqual([]);
  });

  it('sends nothing and changes nothing when the local transaction returns ROLLBACK', async () => {
    const result = await send('r1', 'ROLLBACK');
    expect(result.state).toBe('ROLLBACK');
    expect(await ledger('r1')).toBe(0);
    expect(await row(result.messageId)).toBeUndefined();
    await send('after', 'COMMIT');
    await waitFor(() => probe.received.length === 1);
    expect(probe.payloads().map((p) => p.id)).toEqual(['after']);
  });

  it('sends nothing and changes nothing when the local transaction throws', async () => {
    await expect(send('t1', 'THROW')).rejects.toThrow('local transaction failed');
    expect(await ledger('t1')).toBe(0);
    expect(await sql('SELECT status FROM txmsg_outbox', [], db.name)).toEqual([]);
    expect(probe.received).toHaveLength(0);
  });

  it('resolves UNKNOWN by check-back to delivery when check() says COMMIT', async () => {
    listener.checkAnswers.set('u1', ['UNKNOWN', 'COMMIT']);
    const result = await send('u1', 'UNKNOWN');
    expect(result.state).toBe('UNKNOWN');
    expect((await row(result.messageId)).status).toBe('PREPARED');
    await waitFor(() => probe.received.length === 1, { description: 'delivery after check-back' });
    expect(listener.checks.map((c) => c.checkCount)).toEqual([1, 2]);
    // Marked once the broker confirms, which may come after the delivery.
    await waitFor(async () => (await row(result.messageId)).status === 'PUBLISHED', {
      description: 'marked published',
    });
    expect(await row(result.messageId)).toMatchObject({ status: 'PUBLISHED', check_count: 2 });
  });

  it('resolves UNKNOWN by check-back to discard when check() says ROLLBACK', async () => {
    listener.checkAnswers.set('u2', ['ROLLBACK']);
    const result = await send('u2', 'UNKNOWN');
    await waitFor(async () => (await row(result.messageId)).status === 'DISCARDED', { description: 'discarded' });
    expect((await row(result.messageId)).last_error).toBe('rolled back by check-back');
    expect(probe.received).toHaveLength(0);
  });

  it('discards with a record after the last check when the outcome stays UNKNOWN', async () => {
    listener.checkAnswers.set('u3', ['UNKNOWN', 'UNKNOWN', 'UNKNOWN', 'UNKNOWN']);
    const result = await send('u3', 'UNKNOWN');
    await waitFor(async () => (await row(result.messageId)).status === 'DISCARDED', { description: 'exhausted' });
    expect(await row(result.messageId)).toMatchObject({
      check_count: 3,
      last_error: 'check-back exhausted after 3 checks',
    });
    expect(listener.checks).toHaveLength(3);
    expect(probe.received).toHaveLength(0);
  });

  it('never delivers twice when check-backs race or come late', async () => {
    listener.checkAnswers.set('race', ['COMMIT', 'COMMIT', 'COMMIT']);
    const result = await send('race', 'UNKNOWN');
    const checker = app.get(CheckBackService, { strict: false });
    await waitFor(
      async () =>
        (await sql(`SELECT 1 FROM txmsg_outbox WHERE next_attempt_at <= ${dialect.now}`, [], db.name)).length === 1,
    );
    // Two more checkers (other instances) race the running one; then one comes after it all.
    await Promise.all([checker.checkOnce(), checker.checkOnce()]);
    await waitFor(() => probe.received.length === 1, { description: 'delivery' });
    await waitFor(async () => (await row(result.messageId)).status === 'PUBLISHED');
    await checker.checkOnce();
    expect(listener.checks).toHaveLength(1);
    // Give the relay every chance to publish a second copy: a full extra round.
    await app.get(OutboxRelay, { strict: false }).relayOnce();
    expect(probe.received).toHaveLength(1);
  });

  it('gives check-back nothing to find while a local transaction stalls, and delivers once it commits', async () => {
    // The message is written in the local transaction itself: until that commits there is no
    // half-sent state anywhere, so a stall can neither be cancelled nor delivered by a check-back.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const stalled = producer.sendMessageInTransaction(
      'test-group',
      THING_HAPPENED,
      { id: 'stall' },
      { execute: 'COMMIT', gate },
    );
    await waitFor(() => listener.written.includes('stall'), {
      description: 'the local transaction holding its business row',
    });
    const checker = app.get(CheckBackService, { strict: false });
    expect(await checker.checkOnce()).toBe(0);
    expect(await sql('SELECT 1 FROM txmsg_outbox', [], db.name)).toEqual([]);

    release();
    await expect(stalled).resolves.toMatchObject({ state: 'COMMIT' });
    await waitFor(() => probe.received.length === 1, { description: 'delivery' });
    expect(await ledger('stall')).toBe(1);
    expect(listener.checks).toEqual([]);
  });
});
