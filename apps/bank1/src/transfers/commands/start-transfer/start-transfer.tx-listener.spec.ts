import type { TransactionMessage } from '@txmsg/nestjs';
import type { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { TransferStarted } from '../../events/transfer-started.event';
import { TransferLedger } from '../transfer-ledger';
import { StartTransferTxListener } from './start-transfer.tx-listener';

describe(StartTransferTxListener.name, () => {
  const em = { query: jest.fn(), existsBy: jest.fn(), connection: { options: { type: 'mysql' } } };
  const txHost = { tx: em } as unknown as TransactionHost<TransactionalAdapterTypeOrm>;
  const listener = new StartTransferTxListener(txHost, new TransferLedger(txHost));
  const message = (payload = new TransferStarted('tx-1', '1', '2', '100.00')): TransactionMessage<TransferStarted> => ({
    id: 'm-1',
    destination: 'bank1.transfer.started',
    payload,
    group: 'bank1-transfer',
    checkCount: 0,
  });

  beforeEach(() => jest.resetAllMocks());

  it('records the key first, writes the transfer, debits conditionally last and commits', async () => {
    em.query.mockResolvedValueOnce([]).mockResolvedValueOnce([]).mockResolvedValueOnce({ affectedRows: 1 });

    await expect(listener.execute(message(), { idempotency: { key: 'k', requestHash: 'h' } })).resolves.toBe('COMMIT');

    const [key, transfer, debit] = em.query.mock.calls;
    expect(key).toEqual([expect.stringContaining('INSERT INTO idempotency_key'), ['k', 'h', 'tx-1']]);
    expect(debit[0]).toMatch(
      /SET balance = balance - CAST\(\? AS DECIMAL\(18,2\)\)[\s\S]*AND balance >= CAST\(\? AS DECIMAL\(18,2\)\)/,
    );
    expect(debit[1]).toEqual(['100.00', '1', '100.00']);
    expect(transfer[0]).toMatch(/INSERT INTO transfer[\s\S]*CAST\(\? AS DECIMAL\(18,2\)\), 'PENDING'/);
    expect(transfer[1]).toEqual(['tx-1', '1', '2', '100.00']);
  });

  it('throws 422 when the account exists but cannot pay (the throw rolls the transfer row back)', async () => {
    em.query
      .mockResolvedValueOnce([])
      .mockResolvedValueOnce({ affectedRows: 0 })
      .mockResolvedValueOnce([{ 1: 1 }]);
    await expect(listener.execute(message(), {})).rejects.toThrow(
      new UnprocessableEntityException('insufficient funds in account 1'),
    );
    expect(em.query).toHaveBeenCalledTimes(3);
  });

  it('throws 404 when there is no source account', async () => {
    em.query.mockResolvedValueOnce([]).mockResolvedValueOnce({ affectedRows: 0 }).mockResolvedValueOnce([]);
    await expect(listener.execute(message(), {})).rejects.toThrow(new NotFoundException('account 1 not found'));
  });

  it.each([
    [true, 'COMMIT'],
    [false, 'ROLLBACK'],
  ])('check-back: transfer row found %p → %s', async (found, state) => {
    em.existsBy.mockResolvedValueOnce(found);
    await expect(listener.check(message())).resolves.toBe(state);
    expect(em.existsBy.mock.calls[0][1]).toEqual({ txNo: 'tx-1' });
  });
});
