import { TransactionHost } from '@nestjs-cls/transactional';
import { Injectable } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { IntegrationEvent } from '../outbox/integration-event.decorator';
import { Outbox } from '../outbox/outbox';
import type { LocalTransactionListener } from '../transaction/local-transaction-listener';
import type { LocalTransactionState } from '../transaction/local-transaction-state';
import type { TransactionMessage } from '../transaction/transaction-message';
import { TransactionalListener } from '../transaction/transactional-listener.decorator';
import { TransactionProducer } from '../transaction/transaction-producer';
import { TxMsgTestHarness, TxMsgTestingModule } from './index';

@IntegrationEvent('pay.reminder.due')
class ReminderDue {
  constructor(readonly invoiceId: string) {}
}

/** Answers `execute` with what the payload asks for, and `check` with `checkAnswer`. */
@TransactionalListener({ group: 'pay-debit' })
@Injectable()
class DebitListener implements LocalTransactionListener<{ answer: LocalTransactionState }> {
  checkAnswer: LocalTransactionState = 'UNKNOWN';

  async execute(message: TransactionMessage<{ answer: LocalTransactionState }>): Promise<LocalTransactionState> {
    return message.payload.answer;
  }

  async check(): Promise<LocalTransactionState> {
    return this.checkAnswer;
  }
}

describe(TxMsgTestHarness.name, () => {
  let moduleRef: TestingModule;
  let harness: TxMsgTestHarness;

  beforeEach(async () => {
    moduleRef = await Test.createTestingModule({
      imports: [TxMsgTestingModule.forRoot({ service: 'pay' })],
      providers: [DebitListener],
    }).compile();
    await moduleRef.init();
    harness = moduleRef.get(TxMsgTestHarness);
  });

  afterEach(() => moduleRef.close());

  it('sends a transactional message whose local transaction commits, and none that rolls back', async () => {
    const producer = moduleRef.get(TransactionProducer);
    await producer.sendMessageInTransaction('pay-debit', 'pay.debit.done', { answer: 'COMMIT' });
    await producer.sendMessageInTransaction('pay-debit', 'pay.debit.done', { answer: 'ROLLBACK' });

    expect(harness.published('pay.debit.done')).toEqual([
      expect.objectContaining({ payload: { answer: 'COMMIT' }, group: 'pay-debit' }),
    ]);
  });

  it('sends a half message only once check-back hears COMMIT', async () => {
    const producer = moduleRef.get(TransactionProducer);
    await producer.sendMessageInTransaction('pay-debit', 'pay.debit.done', { answer: 'UNKNOWN' });
    expect(harness.published()).toEqual([]);

    expect(await harness.checkBack()).toBe(1);
    expect(harness.published()).toEqual([]);

    moduleRef.get(DebitListener).checkAnswer = 'COMMIT';
    await harness.checkBack();
    expect(harness.published('pay.debit.done')).toEqual([expect.objectContaining({ payload: { answer: 'UNKNOWN' } })]);
    expect(await harness.checkBack()).toBe(0);
  });

  it('lists a delayed message with its delay, and leaves it out once cancelled', async () => {
    const outbox = moduleRef.get(Outbox);
    const txHost = moduleRef.get(TransactionHost);
    const kept = await txHost.withTransaction(() => outbox.publish(new ReminderDue('i-1'), { delayMs: 86_400_000 }));
    const cancelled = await txHost.withTransaction(() => outbox.publish(new ReminderDue('i-2'), { delayMs: 60_000 }));

    expect(await outbox.cancel(cancelled)).toBe(true);
    expect(harness.published(ReminderDue)).toEqual([
      expect.objectContaining({ messageId: kept, payload: { invoiceId: 'i-1' }, delayMs: 86_400_000 }),
    ]);
  });

  it('keeps a cancel made in a transaction that rolls back from taking effect', async () => {
    const outbox = moduleRef.get(Outbox);
    const txHost = moduleRef.get(TransactionHost);
    const id = await txHost.withTransaction(() => outbox.publish(new ReminderDue('i-1'), { delayMs: 60_000 }));

    await expect(
      txHost.withTransaction(async () => {
        expect(await outbox.cancel(id)).toBe(true);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');

    expect(harness.published(ReminderDue)).toHaveLength(1);
  });

  it('says to initialise the module when drained before init', async () => {
    const uninitialised = await Test.createTestingModule({ imports: [TxMsgTestingModule.forRoot()] }).compile();

    await expect(uninitialised.get(TxMsgTestHarness).drain()).rejects.toThrow('moduleRef.init()');
    await uninitialised.close();
  });
});
