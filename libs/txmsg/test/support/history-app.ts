// A payments service in a process of its own, with the operator console on: its gateway refuses
// every payment above 1000, with an error the retry ladder retries, so such a payment climbs the
// whole ladder and is parked with an attempt per rung. Prints `history-app ready <port>` once it
// listens. Env: TXMSG_TEST_DB, HISTORY_DB, HISTORY_URI.
import { RabbitSubscribe } from '@golevelup/nestjs-rabbitmq';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable, Module } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { Idempotent } from '../../src';
import { startTestApp } from './app';
import { dialect } from './engine';
import { COUNT_EFFECT, EXCHANGE } from './fixtures';

export const PAYMENT_REQUESTED = 'test.payment.requested';
export const PAYMENTS_QUEUE = 'test.console-payments';

/** What the payment gateway throws: a timeout, worth retrying. */
class GatewayTimeoutError extends Error {
  override readonly name = 'GatewayTimeoutError';
}

@Injectable()
class PaymentTaker {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  @RabbitSubscribe({ exchange: EXCHANGE, routingKey: PAYMENT_REQUESTED, queue: PAYMENTS_QUEUE })
  @Idempotent({ consumer: 'payments', key: 'payment' })
  async take(payload: { payment: string; amount: number }): Promise<void> {
    // Written before the gateway answers, so a skipped payment that ran would show in the count.
    await this.txHost.tx.query(dialect.sql(COUNT_EFFECT), [`paid:${payload.payment}`]);
    if (payload.amount > 1000) {
      throw new GatewayTimeoutError(`gateway timed out after 3000 ms on payment ${payload.payment}`);
    }
  }
}

@Module({ providers: [PaymentTaker] })
class PaymentsModule {}

async function main(): Promise<void> {
  const app = await startTestApp({
    database: process.env.HISTORY_DB!,
    uri: process.env.HISTORY_URI!,
    modules: [PaymentsModule],
    listen: true,
    txmsg: { console: true, retry: { ladderMs: [200, 400, 800], scanIntervalMs: 50 } },
  });
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
  process.stdout.write(`history-app ready ${(app.getHttpServer().address() as AddressInfo).port}\n`);
}

// Imported by the test for its constants, it must not start a second application there.
if (require.main === module) {
  void main().catch((error) => {
    process.stderr.write(`${(error as Error).stack}\n`);
    process.exit(1);
  });
}
