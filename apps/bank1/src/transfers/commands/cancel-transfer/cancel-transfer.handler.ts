import { affectedRows, runSql } from '@app/common';
import { Outbox } from '@txmsg/nestjs';
import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ConflictException, NotFoundException } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { TransferLedger } from '../transfer-ledger';
import { CancelTransferCommand, type TransferCancelled } from './cancel-transfer.command';

/**
 * Cancels a scheduled transfer whose message has not left: the status flip, the cancel of the
 * delayed message and the credit back commit together. The message's cancel decides — it fails
 * once the message is due (it may be on its way to bank2), for a transfer that was never
 * scheduled, and for one cancelled before — and then nothing changes (409).
 *
 * Transaction contract: opens its own transaction (or joins the ambient one).
 */
@CommandHandler(CancelTransferCommand)
export class CancelTransferHandler implements ICommandHandler<CancelTransferCommand, TransferCancelled> {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly outbox: Outbox,
    private readonly ledger: TransferLedger,
  ) {}

  @Transactional()
  async execute({ txNo }: CancelTransferCommand): Promise<TransferCancelled> {
    const em = this.txHost.tx;
    const flipped = await runSql(
      em,
      `UPDATE transfer SET status = 'CANCELLED' WHERE tx_no = ? AND status = 'PENDING'`,
      [txNo],
    );
    if (affectedRows(flipped) !== 1) {
      const [row] = await runSql(em, 'SELECT status FROM transfer WHERE tx_no = ?', [txNo]);
      if (!row) throw new NotFoundException(`transfer ${txNo} not found`);
      throw new ConflictException(
        `transfer ${txNo} is ${row.status}; only a scheduled transfer not yet sent can be cancelled`,
      );
    }
    // The scheduled transfer's message id is its number; the throw rolls the flip back.
    if (!(await this.outbox.cancel(txNo))) {
      throw new ConflictException(`transfer ${txNo} was not scheduled, or is already on its way to bank2`);
    }
    await this.ledger.creditBack(txNo);
    return { txNo, status: 'CANCELLED' };
  }
}
