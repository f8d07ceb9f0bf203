import { waitFor } from '@txmsg/nestjs/testing';
import { randomUUID } from 'node:crypto';
import {
  balanceOf,
  type Banks,
  postTransfer,
  restart,
  startBanks,
  startedMessage,
  waitForTransfer,
} from './support/banks';
import { BrokerClient, queueBacklog } from './support/broker-client';
import { TestStack } from './support/test-stack';

// What a transfer must survive, with real faults: a local transaction that fails, a bank2
// that is down or whose database refuses, and the same message arriving many times.
describe('transfer faults', () => {
  let stack: TestStack;
  let banks: Banks;
  let broker: BrokerClient;
  const db1 = () => banks.bank1.env.DB_NAME;
  const db2 = () => banks.bank2.env.DB_NAME;

  beforeAll(async () => {
    stack = await TestStack.create('transfer_faults');
    // Rungs long enough to lift a fault between two attempts.
    banks = await startBanks(stack, { RETRY_LADDER: '300ms,1s,2s,4s' });
    broker = await BrokerClient.open(stack.rabbitUrl);
  }, 60_000);

  afterAll(async () => {
    await broker?.close();
    await stack?.destroy();
  });

  const transfer = async (amount: string, toAccountNo = '2') => {
    const reply = await postTransfer(banks.bank1, { fromAccountNo: '1', toAccountNo, amount });
    expect(reply.status).toBe(202);
    return reply.body.txNo as string;
  };
  const incoming = async (txNo: string) =>
    stack.query(db2(), 'SELECT status, CAST(amount AS CHAR) AS amount FROM incoming_transfer WHERE tx_no = ?', [txNo]);
  const drained = (queue: string) =>
    waitFor(async () => (await queueBacklog(stack.vhost, queue)) === 0, {
      timeoutMs: 15_000,
      description: `${queue} drained`,
    });

  it("debits nothing and sends nothing when bank1's local transaction fails after the debit", async () => {
    // The database refuses the transfer row, i.e. after the debit ran in the same transaction.
    await stack.query(
      db1(),
      `CREATE TRIGGER t_refuse_transfer BEFORE INSERT ON transfer FOR EACH ROW
      SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'injected fault: transfer row refused'`,
    );
    try {
      const reply = await postTransfer(banks.bank1, { fromAccountNo: '1', toAccountNo: '2', amount: '10.00' });
      expect(reply).toEqual({
        status: 500,
        body: { statusCode: 500, error: 'Internal Server Error', message: 'internal error' },
      });
    } finally {
      await stack.query(db1(), 'DROP TRIGGER t_refuse_transfer');
    }
    expect(await balanceOf(banks.bank1, '1')).toBe('10000.00');
    expect(await stack.query(db1(), 'SELECT id FROM transfer')).toEqual([]);
    expect(await stack.query(db1(), 'SELECT status FROM txmsg_outbox')).toEqual([]);
    expect(await stack.query(db2(), 'SELECT id FROM incoming_transfer')).toEqual([]);
  });

  it('credits a transfer sent while bank2 was down once bank2 is back', async () => {
    await banks.bank2.stop();
    const txNo = await transfer('20.00');
    await waitFor(async () => (await startedMessage(stack, banks.bank1, txNo)).status === 'PUBLISHED', {
      description: 'the message is with the broker',
    });
    expect((await banks.bank1.get(`/transfers/${txNo}`)).body.status).toBe('PENDING');

    banks.bank2 = await restart(stack, banks.bank2);

    await waitForTransfer(banks.bank1, txNo, 'COMPLETED');
    expect(await incoming(txNo)).toEqual([{ status: 'CREDITED', amount: '20.00' }]);
    expect(await balanceOf(banks.bank2, '2')).toBe('20.00');
  });

  it("redelivers a transfer bank2's database refused, and applies it once the fault is gone", async () => {
    await stack.query(
      db2(),
      `CREATE TRIGGER t_refuse_credit BEFORE UPDATE ON account_info FOR EACH ROW
      SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'injected fault: credit refused'`,
    );
    let txNo: string;
    try {
      txNo = await transfer('30.00');
      const { messageId } = await startedMessage(stack, banks.bank1, txNo);
      await waitFor(
        async () =>
          (await stack.query(db2(), 'SELECT attempts FROM txmsg_inbox_failure WHERE message_id = ?', [messageId]))[0],
        { description: 'bank2 failed on the message and scheduled a retry' },
      );
      expect(await incoming(txNo)).toEqual([]);
      expect(await balanceOf(banks.bank2, '2')).toBe('20.00');
    } finally {
      await stack.query(db2(), 'DROP TRIGGER IF EXISTS t_refuse_credit');
    }

    await waitForTransfer(banks.bank1, txNo, 'COMPLETED');
    expect(await incoming(txNo)).toEqual([{ status: 'CREDITED', amount: '30.00' }]);
    expect(await balanceOf(banks.bank2, '2')).toBe('50.00');
  });

  it('credits once when bank2 receives the same transfer many times (redeliveries and replays)', async () => {
    const txNo = await transfer('40.00');
    await waitForTransfer(banks.bank1, txNo, 'COMPLETED');
    const balance2 = await balanceOf(banks.bank2, '2');
    const { messageId, payload } = await startedMessage(stack, banks.bank1, txNo);

    for (let i = 0; i < 5; i++) await broker.publish('bank1.transfer.started', payload, { messageId }); // redeliveries
    for (let i = 0; i < 5; i++) await broker.publish('bank1.transfer.started', payload, { messageId: randomUUID() }); // replays
    await drained('bank2.credit-on-transfer-started');

    expect(await balanceOf(banks.bank2, '2')).toBe(balance2);
    expect(await incoming(txNo)).toEqual([{ status: 'CREDITED', amount: '40.00' }]);
    const announced = await stack.query(
      db2(),
      `SELECT message_id FROM txmsg_outbox WHERE routing_key = 'bank2.transfer.credited' AND JSON_VALUE(payload, '$.txNo') = ?`,
      [txNo],
    );
    expect(announced).toHaveLength(1);
    expect((await banks.bank1.get(`/transfers/${txNo}`)).body.status).toBe('COMPLETED');
  });

  it('refunds once when bank1 receives the rejection many times, and never completes a refunded transfer', async () => {
    const balance1 = await balanceOf(banks.bank1, '1');
    const txNo = await transfer('50.00', '909');
    await waitForTransfer(banks.bank1, txNo, 'REFUNDED');
    expect(await balanceOf(banks.bank1, '1')).toBe(balance1);
    const [rejected] = await stack.query(
      db2(),
      `SELECT message_id, payload FROM txmsg_outbox WHERE routing_key = 'bank2.transfer.rejected' AND JSON_VALUE(payload, '$.txNo') = ?`,
      [txNo],
    );

    for (let i = 0; i < 4; i++) {
      await broker.publish('bank2.transfer.rejected', rejected.payload, { messageId: rejected.message_id });
      await broker.publish('bank2.transfer.rejected', rejected.payload, { messageId: randomUUID() });
    }
    await broker.publish(
      'bank2.transfer.credited',
      { txNo, toAccountNo: '909', amount: '50.00' },
      { messageId: randomUUID() },
    );
    await drained('bank1.refund-on-transfer-rejected');
    await drained('bank1.complete-on-transfer-credited');

    expect(await balanceOf(banks.bank1, '1')).toBe(balance1);
    expect((await banks.bank1.get(`/transfers/${txNo}`)).body.status).toBe('REFUNDED');
  });

  it.each([
    [
      'a negative amount',
      Buffer.from(JSON.stringify({ txNo: randomUUID(), fromAccountNo: '1', toAccountNo: '2', amount: '-5.00' })),
      'UNRECOVERABLE',
    ],
    [
      'no transfer number',
      Buffer.from(JSON.stringify({ fromAccountNo: '1', toAccountNo: '2', amount: '5.00' })),
      'UNRECOVERABLE',
    ],
    ['a body that is not JSON', Buffer.from('{"txNo": '), 'POISON'],
  ])(
    'parks a transfer message with %s at once, credits nothing, and keeps the queue moving',
    async (_, body, reason) => {
      const balance2 = await balanceOf(banks.bank2, '2');
      const messageId = randomUUID();

      await broker.publish('bank1.transfer.started', body, { messageId });

      const parked = await waitFor(
        async () =>
          (
            await stack.query(db2(), 'SELECT status, reason, attempts FROM txmsg_inbox_failure WHERE message_id = ?', [
              messageId,
            ])
          )[0],
        { description: 'the message is parked' },
      );
      expect(parked).toEqual({ status: 'PARKED', reason, attempts: 1 });
      expect(await balanceOf(banks.bank2, '2')).toBe(balance2);
      const next = await transfer('1.00');
      await waitForTransfer(banks.bank1, next, 'COMPLETED');
    },
  );
});
