import { BrokerTestClient, waitFor } from '@txmsg/nestjs/testing';
import { randomUUID } from 'node:crypto';
import { balanceOf, type Banks, postTransfer, startBanks, startedMessage, waitForTransfer } from './support/banks';
import { BrokerClient, EVENTS_EXCHANGE, queueBacklog } from './support/broker-client';
import { UNTRUSTED_KEY } from './support/message-keys';
import { TestStack } from './support/test-stack';

const QUEUE = 'bank2.credit-on-transfer-started';
const ADMIN = { authorization: 'Bearer hostile-admin-token' };

// What an attacker with access to the broker can publish on the exchange bank2 consumes from,
// each service in its own process under the production heap cap: none of it takes bank2 down,
// loops, or moves money.
describe('hostile messages on the broker', () => {
  let stack: TestStack;
  let banks: Banks;
  let broker: BrokerClient;
  const db2 = () => banks.bank2.env.DB_NAME;

  beforeAll(async () => {
    stack = await TestStack.create('hostile');
    banks = await startBanks(stack, { TXMSG_ADMIN_TOKEN: 'hostile-admin-token' });
    broker = await BrokerClient.open(stack.rabbitUrl);
  }, 60_000);

  afterAll(async () => {
    await broker?.close();
    await stack?.destroy();
  });

  const transfer = async (amount: string) => {
    const reply = await postTransfer(banks.bank1, { fromAccountNo: '1', toAccountNo: '2', amount });
    expect(reply.status).toBe(202);
    return reply.body.txNo as string;
  };
  const parked = (messageIds: string[]) =>
    stack.query(
      db2(),
      `SELECT message_id, reason, attempts, body_size FROM txmsg_inbox_failure
        WHERE status = 'PARKED' AND message_id IN (?) ORDER BY id`,
      [messageIds],
    );
  const transferStarted = (txNo: string, amount: string) =>
    JSON.stringify({ txNo, fromAccountNo: '1', toAccountNo: '2', amount });

  it('survives 24 messages of 10 MB, one of 13 MB and one 100 000 levels deep: each parked within seconds, none looping, and the next transfer completes', async () => {
    const pid = banks.bank2.name;
    const big = (mb: number, i: number) =>
      Buffer.concat([Buffer.from(`{"txNo":"${i}","pad":"`), Buffer.alloc(mb * 1024 * 1024, 0x41), Buffer.from('"}')]);
    const oversized = Array.from({ length: 24 }, (_, i) => ({ id: `big-${i}`, body: big(10, i) }));
    oversized.push({ id: 'big-13mb', body: big(13, 99) });
    for (const { id, body } of oversized) await broker.publish('bank1.transfer.started', body, { messageId: id });
    const deep = '{"txNo":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}';
    await broker.publish('bank1.transfer.started', deep, { messageId: 'deep-1' });
    const started = Date.now();

    const ids = [...oversized.map((m) => m.id), 'deep-1'];
    const rows = await waitFor(async () => ((await parked(ids)).length === ids.length ? parked(ids) : undefined), {
      timeoutMs: 30_000,
      description: 'every hostile message parked',
    });
    const parkedWithin = Date.now() - started;
    expect(rows.filter((r) => r.reason === 'OVERSIZED')).toHaveLength(25);
    expect(rows.find((r) => r.message_id === 'deep-1')).toMatchObject({ reason: 'POISON', attempts: 1 });
    expect(rows.every((r) => r.attempts === 1)).toBe(true);
    // The whole oversized messages wait on the broker, not in bank2's heap or database.
    await waitFor(async () => (await queueBacklog(stack.vhost, `${QUEUE}.parked`)) === 25, {
      description: 'the 25 oversized messages in the parking queue',
    });
    expect(await queueBacklog(stack.vhost, QUEUE)).toBe(0);

    const txNo = await transfer('3.00');
    await waitForTransfer(banks.bank1, txNo, 'COMPLETED');
    expect(banks.bank2.running).toBe(true);
    expect(banks.bank2.name).toBe(pid);
    expect(banks.bank2.logs()).not.toMatch(/heap limit|requeueing/);
    expect(parkedWithin).toBeLessThan(30_000);
  });

  it('shows an operator both bodies sent under one message id', async () => {
    await broker.publish('bank1.transfer.started', 'first, not JSON', { messageId: 'twice' });
    await waitFor(async () => (await parked(['twice'])).length === 1);
    await broker.publish('bank1.transfer.started', 'second, not JSON', { messageId: 'twice' });
    await waitFor(async () => (await parked(['twice'])).length === 2);

    const page = await banks.bank2.get('/txmsg/parked?limit=100', ADMIN);
    const bodies = page.body.items.filter((m: any) => m.messageId === 'twice').map((m: any) => [m.body, m.reason]);
    expect(bodies).toEqual([
      ['second, not JSON', 'CONFLICT'],
      ['first, not JSON', 'POISON'],
    ]);
  });

  it('parks a different amount under a known txNo as a conflict and applies nothing of it', async () => {
    const txNo = await transfer('7.00');
    await waitForTransfer(banks.bank1, txNo, 'COMPLETED');
    const balance2 = await balanceOf(banks.bank2, '2');
    const original = await startedMessage(stack, banks.bank1, txNo);
    expect(original.payload.amount).toBe('7.00');

    await broker.publish('bank1.transfer.started', transferStarted(txNo, '7000.00'), { messageId: 'conflicting' });
    const [row] = await waitFor(async () =>
      (await parked(['conflicting'])).length === 1 ? parked(['conflicting']) : undefined,
    );
    expect(row).toMatchObject({ reason: 'CONFLICT', attempts: 1 });
    expect(await balanceOf(banks.bank2, '2')).toBe(balance2);
    const metrics = await banks.bank2.get('/metrics');
    expect(String(metrics.body)).toMatch(/outcome="conflict"/);
  });

  it('parks forged messages as FORGED and moves no money: unsigned, signed with an untrusted key, or altered under a valid signature', async () => {
    const watcher = await BrokerTestClient.open(stack.rabbitUrl);
    try {
      await watcher.watch(EVENTS_EXCHANGE, 'bank1.transfer.started');
      const txNo = await transfer('2.00');
      await waitForTransfer(banks.bank1, txNo, 'COMPLETED');
      const signed = await waitFor(() => watcher.received.find((m) => JSON.parse(m.content.toString()).txNo === txNo));
      const balance2 = await balanceOf(banks.bank2, '2');

      await broker.publish('bank1.transfer.started', transferStarted(randomUUID(), '500.00'), {
        messageId: 'forged-unsigned',
        signWith: false,
      });
      await broker.publish('bank1.transfer.started', transferStarted(randomUUID(), '500.00'), {
        messageId: 'forged-untrusted',
        signWith: UNTRUSTED_KEY,
      });
      // bank1's own signature and message id, over a body with another txNo and amount.
      await broker.publish('bank1.transfer.started', transferStarted(randomUUID(), '500.00'), {
        messageId: signed.properties.messageId,
        headers: signed.properties.headers,
        signWith: false,
      });

      const forged = ['forged-unsigned', 'forged-untrusted', signed.properties.messageId as string];
      const rows = await waitFor(async () => ((await parked(forged)).length === 3 ? parked(forged) : undefined));
      expect(rows.map((r) => r.reason)).toEqual(['FORGED', 'FORGED', 'FORGED']);
      expect(await balanceOf(banks.bank2, '2')).toBe(balance2);
    } finally {
      await watcher.close();
    }
  });
});
