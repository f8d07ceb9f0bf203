import type { TransactionProducer } from '@txmsg/nestjs';
import { UnprocessableEntityException } from '@nestjs/common';
import type { Repository } from 'typeorm';
import type { IdempotencyKey } from '../../entities/idempotency-key.entity';
import { StartTransferCommand } from './start-transfer.command';
import { StartTransferHandler } from './start-transfer.handler';
import { toTransferRequest } from './transfer-request';
import { StartTransferTxListener } from './start-transfer.tx-listener';

describe(StartTransferHandler.name, () => {
  const producer = { sendMessageInTransaction: jest.fn() };
  const keys = { findOneBy: jest.fn() };
  const handlerWith = (transfersOrdered: boolean) =>
    new StartTransferHandler(
      producer as unknown as TransactionProducer,
      keys as unknown as Repository<IdempotencyKey>,
      { transfersOrdered },
    );
  const handler = handlerWith(false);
  const command = (key?: string, amount = '100.00') => new StartTransferCommand('1', '2', amount, key);
  const duplicateKey = Object.assign(new Error('Duplicate entry'), { driverError: { code: 'ER_DUP_ENTRY' } });

  beforeEach(() => jest.resetAllMocks());

  it('sends the transfer through its transaction listener with a fresh txNo and answers PENDING', async () => {
    producer.sendMessageInTransaction.mockResolvedValueOnce({ messageId: 'm', state: 'COMMIT' });

    const accepted = await handler.execute(command());

    expect(accepted).toEqual({ txNo: expect.stringMatching(/^[0-9a-f-]{36}$/), status: 'PENDING' });
    const [listener, destination, payload, debit] = producer.sendMessageInTransaction.mock.calls[0];
    expect([listener, destination, debit]).toEqual([StartTransferTxListener, 'bank1.transfer.started', {}]);
    expect({ ...payload }).toEqual({ txNo: accepted.txNo, fromAccountNo: '1', toAccountNo: '2', amount: '100.00' });
    expect(keys.findOneBy).not.toHaveBeenCalled();
    expect(producer.sendMessageInTransaction.mock.calls[0][4]).toEqual({});
  });

  it('keys the message by the payer account with TRANSFERS_ORDERED', async () => {
    producer.sendMessageInTransaction.mockResolvedValueOnce({ messageId: 'm', state: 'COMMIT' });

    await handlerWith(true).execute(command());

    expect(producer.sendMessageInTransaction.mock.calls[0][4]).toEqual({ orderingKey: '1' });
  });

  it('answers a known key with its first result and sends nothing', async () => {
    keys.findOneBy.mockResolvedValueOnce({ key: 'k', requestHash: toTransferRequest(command()).hash, txNo: 'first' });
    await expect(handler.execute(command('k', '100'))).resolves.toEqual({ txNo: 'first', status: 'PENDING' });
    expect(producer.sendMessageInTransaction).not.toHaveBeenCalled();
  });

  it('refuses a known key used with another request with 422', async () => {
    keys.findOneBy.mockResolvedValueOnce({ key: 'k', requestHash: 'another', txNo: 'first' });
    await expect(handler.execute(command('k'))).rejects.toThrow(UnprocessableEntityException);
    expect(producer.sendMessageInTransaction).not.toHaveBeenCalled();
  });

  it('answers the winner of a race on the same key after its own attempt rolled back', async () => {
    const hash = toTransferRequest(command()).hash;
    keys.findOneBy.mockResolvedValueOnce(null).mockResolvedValueOnce({ key: 'k', requestHash: hash, txNo: 'winner' });
    producer.sendMessageInTransaction.mockRejectedValueOnce(duplicateKey);

    await expect(handler.execute(command('k'))).resolves.toEqual({ txNo: 'winner', status: 'PENDING' });
    expect(producer.sendMessageInTransaction.mock.calls[0][3]).toEqual({
      idempotency: { key: 'k', requestHash: hash },
    });
  });
});
