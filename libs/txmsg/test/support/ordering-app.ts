// An application of the ordering test in a process of its own. ORDERING_ROLE=producer writes
// ordered messages until every key has ORDERING_PER_KEY of them; ORDERING_ROLE=consumer applies
// them with an ordered consumer that fails 10 % of first deliveries and parks the messages listed
// in t_park_first on their first delivery. Also: TXMSG_TEST_DB (the engine), ORDERING_DB, ORDERING_URI.
import { RabbitSubscribe } from '@golevelup/nestjs-rabbitmq';
import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable, Logger, Module } from '@nestjs/common';
import type { ConsumeMessage } from 'amqplib';
import { createHash } from 'node:crypto';
import { Idempotent, IntegrationEvent, Outbox, UnrecoverableMessageError } from '../../src';
import { envelopeOf } from '../../src/envelope';
import { ORDERING_HEADERS } from '../../src/ordering/ordering-headers';
import { REDELIVERED_HEADER } from '../../src/txmsg.constants';
import { startTestApp } from './app';
import { dialect } from './engine';
import { EXCHANGE } from './fixtures';

export const ORDERED_STEP = 'test.order.versioned';
export const ORDERED_QUEUE = 'test.ordered-versions';
const q = (statement: string) => dialect.sql(statement);

/** One change of an order: its version, as the producer's transaction numbered it. */
@IntegrationEvent(ORDERED_STEP, { orderingKey: 'order' })
class OrderChanged {
  constructor(
    readonly order: string,
    readonly version: number,
  ) {}
}

@Injectable()
class OrderChanger {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly outbox: Outbox,
  ) {}

  /**
   * Moves `order` to its next version and announces it, in one transaction; false once the order
   * has all its versions. The order's row is locked until the commit, so versions follow commit order.
   */
  @Transactional()
  async change(order: string, last: number): Promise<boolean> {
    const rows = await this.txHost.tx.query(
      q(`UPDATE t_order_state SET version = version + 1 WHERE k = ? AND version < ?${returning()}`),
      [order, last],
    );
    const version = await this.versionAfter(rows, order);
    if (version === undefined) return false;
    await this.outbox.publish(new OrderChanged(order, version));
    return true;
  }

  private async versionAfter(result: unknown, order: string): Promise<number | undefined> {
    if (dialect.name === 'postgres') {
      const [rows] = result as [Array<{ version: number }>, number];
      return rows.length === 0 ? undefined : Number(rows[0].version);
    }
    if ((result as { affectedRows: number }).affectedRows === 0) return undefined;
    const [row] = await this.txHost.tx.query('SELECT version FROM t_order_state WHERE k = ?', [order]);
    return Number(row.version);
  }
}

function returning(): string {
  return dialect.name === 'postgres' ? ' RETURNING version' : '';
}

@Injectable()
class OrderApplier {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  @RabbitSubscribe({ exchange: EXCHANGE, routingKey: ORDERED_STEP, queue: ORDERED_QUEUE })
  @Idempotent({ ordered: true, consumer: 'versions' })
  async onChange(payload: { order: string; version: number }, message: ConsumeMessage): Promise<void> {
    const envelope = envelopeOf(message);
    const seq = Number(message.properties.headers?.[ORDERING_HEADERS.seq]);
    await this.txHost.tx.query(q('INSERT INTO t_applied (k, version, seq) VALUES (?, ?, ?)'), [
      payload.order,
      payload.version,
      seq,
    ]);
    // A retry and a requeue come back marked; a first delivery (or a held one sent back) does not.
    if (message.properties.headers?.[REDELIVERED_HEADER]) return;
    const parkFirst = await this.txHost.tx.query(q('SELECT 1 FROM t_park_first WHERE k = ? AND version = ?'), [
      payload.order,
      payload.version,
    ]);
    if (parkFirst.length > 0)
      throw new UnrecoverableMessageError(`${payload.order} v${payload.version}: parked on purpose`);
    // One first delivery in ten fails, chosen by its message id so each instance agrees.
    if (createHash('sha256').update(envelope.id).digest()[0] % 10 === 0) {
      throw new Error(`${payload.order} v${payload.version}: failing its first delivery`);
    }
  }
}

@Module({ providers: [OrderApplier] })
class ConsumerRoleModule {}

@Module({ providers: [OrderChanger] })
class ProducerRoleModule {}

async function main(): Promise<void> {
  const role = process.env.ORDERING_ROLE;
  const app = await startTestApp({
    database: process.env.ORDERING_DB!,
    uri: process.env.ORDERING_URI!,
    modules: [role === 'consumer' ? ConsumerRoleModule : ProducerRoleModule],
    txmsg: { retry: { ladderMs: [100, 200, 400], scanIntervalMs: 50 } },
  });
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
  process.stdout.write(`ordering-app ${role} ready\n`);
  if (role !== 'producer') return;
  const changer = app.get(OrderChanger);
  const keys = Number(process.env.ORDERING_KEYS);
  const perKey = Number(process.env.ORDERING_PER_KEY);
  const open = new Set(Array.from({ length: keys }, (_, i) => `order-${i}`));
  // Several producers write to the same keys at once, in random order, until every key is full.
  while (open.size > 0) {
    const batch = [...open].sort(() => Math.random() - 0.5).slice(0, 8);
    await Promise.all(
      batch.map(async (key) => {
        if (!(await changer.change(key, perKey))) open.delete(key);
      }),
    );
  }
  process.stdout.write('ordering-app producer done\n');
}

main().catch((error: unknown) => {
  new Logger('OrderingApp').error(error);
  process.exit(1);
});
