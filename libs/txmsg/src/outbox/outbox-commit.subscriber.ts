import type { EntitySubscriberInterface, TransactionCommitEvent } from 'typeorm';

/**
 * Wakes the relay right after a transaction that wrote READY outbox rows commits, so delivery
 * latency does not wait for the poll interval. Registered on the DataSource by the module.
 */
export class OutboxCommitSubscriber implements EntitySubscriberInterface {
  constructor(private readonly wake: () => void) {}

  afterTransactionCommit(event: TransactionCommitEvent): void {
    const data = event.queryRunner.data as { txmsgWake?: boolean } | undefined;
    if (data?.txmsgWake) {
      data.txmsgWake = false;
      this.wake();
    }
  }
}
