// A stock service in a process of its own, with the operator console on: it reserves stock for
// orders and refuses (parks) an order whose SKU is not in t_catalog, until an operator adds it.
// Prints `console-app ready <port>` once it listens. Env: TXMSG_TEST_DB, CONSOLE_DB, CONSOLE_URI,
// CONSOLE_SAMPLE_MS (the overview's sample interval, for graphs within a test's seconds).
import { RabbitSubscribe } from '@golevelup/nestjs-rabbitmq';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable, Module } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { Idempotent, UnrecoverableMessageError } from '../../src';
import { startTestApp } from './app';
import { dialect } from './engine';
import { COUNT_EFFECT, EXCHANGE } from './fixtures';

export const STOCK_RESERVE = 'test.stock.reserve';
export const STOCK_QUEUE = 'test.console-stock';
/** The business table the console test fixes the cause in; created by the test. */
export const CATALOG_DDL = 'CREATE TABLE t_catalog (sku VARCHAR(64) PRIMARY KEY)';

@Injectable()
class StockReserver {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  @RabbitSubscribe({ exchange: EXCHANGE, routingKey: STOCK_RESERVE, queue: STOCK_QUEUE })
  @Idempotent({ consumer: 'stock', key: 'order' })
  async reserve(payload: { order: string; sku: string; quantity: number }): Promise<void> {
    // The effect is written before the refusal, so its rollback shows in the count.
    await this.txHost.tx.query(dialect.sql(COUNT_EFFECT), [`reserved:${payload.order}`]);
    const known = await this.txHost.tx.query(dialect.sql('SELECT 1 FROM t_catalog WHERE sku = ?'), [payload.sku]);
    if (known.length === 0) {
      throw new UnrecoverableMessageError(`sku ${payload.sku} is not in the catalog (order ${payload.order})`);
    }
    if (payload.quantity > 1000) throw new UnrecoverableMessageError(`quantity ${payload.quantity} is above the limit`);
  }
}

@Module({ providers: [StockReserver] })
class StockModule {}

async function main(): Promise<void> {
  const app = await startTestApp({
    database: process.env.CONSOLE_DB!,
    uri: process.env.CONSOLE_URI!,
    modules: [StockModule],
    listen: true,
    txmsg: { console: { sampleIntervalMs: Number(process.env.CONSOLE_SAMPLE_MS ?? 15_000) } },
  });
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
  process.stdout.write(`console-app ready ${(app.getHttpServer().address() as AddressInfo).port}\n`);
}

// Imported by the test for its constants, it must not start a second application there.
if (require.main === module) {
  void main().catch((error) => {
    process.stderr.write(`${(error as Error).stack}\n`);
    process.exit(1);
  });
}
