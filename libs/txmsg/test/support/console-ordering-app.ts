// An ordered consumer with the operator console on, in a process of its own for the browser test
// (or imported as a module by an e2e test): it applies the steps of each order in order and parks
// a step sent with `park: true`, so the order's later steps are held behind it. With
// CONSOLE_SCHEDULED=n it also writes n delayed messages, due 5, 6, … minutes later. Prints
// `console-ordering-app ready <port>` once it listens. Env: TXMSG_TEST_DB, CONSOLE_DB, CONSOLE_URI.
import { RabbitSubscribe } from '@golevelup/nestjs-rabbitmq';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable, Module } from '@nestjs/common';
import type { ConsumeMessage } from 'amqplib';
import type { AddressInfo } from 'node:net';
import { Idempotent, Outbox, UnrecoverableMessageError } from '../../src';
import { ORDERING_HEADERS } from '../../src/ordering/ordering-headers';
import { startTestApp } from './app';
import { dialect } from './engine';
import { EXCHANGE, THING_HAPPENED, ThingHappened } from './fixtures';

export const ORDERED_STEP = 'test.console.step';
export const ORDERED_QUEUE = 'test.console-ordered-steps';
/** The table the applied steps are written to, in the order they were applied; created by the test. */
export const APPLIED_DDL =
  dialect.name === 'postgres'
    ? 'CREATE TABLE t_applied (id BIGSERIAL PRIMARY KEY, k VARCHAR(64) NOT NULL, step INT NOT NULL)'
    : 'CREATE TABLE t_applied (id BIGINT AUTO_INCREMENT PRIMARY KEY, k VARCHAR(64) NOT NULL, step INT NOT NULL)';

/** A step of `order` at sequence `step`, as the producer `test-svc` sends it: the message and its options. */
export function stepMessage(order: string, step: number, park = false) {
  return {
    body: { order, step, park },
    options: {
      messageId: `${order}-${step}`,
      appId: 'test-svc',
      headers: { [ORDERING_HEADERS.key]: order, [ORDERING_HEADERS.seq]: step },
    },
  };
}

@Injectable()
export class StepApplier {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  @RabbitSubscribe({ exchange: EXCHANGE, routingKey: ORDERED_STEP, queue: ORDERED_QUEUE })
  @Idempotent({ ordered: true, consumer: 'steps' })
  async onStep(payload: { order: string; step: number; park: boolean }, _message: ConsumeMessage): Promise<void> {
    if (payload.park) throw new UnrecoverableMessageError(`step ${payload.step} of ${payload.order} refused`);
    await this.txHost.tx.query(dialect.sql('INSERT INTO t_applied (k, step) VALUES (?, ?)'), [
      payload.order,
      payload.step,
    ]);
  }
}

@Module({ providers: [StepApplier] })
export class StepModule {}

/** Writes `n` delayed messages, due 5, 6, … minutes from now (none due while a test runs), each in a transaction of its own. */
export async function writeScheduled(app: { get: <T>(type: new (...args: never[]) => T) => T }, n: number) {
  const txHost = app.get(TransactionHost);
  const ids: string[] = [];
  for (let i = 1; i <= n; i++) {
    await txHost.withTransaction(async () => {
      ids.push(
        await app.get(Outbox).publish(new ThingHappened(`later-${i}`, 'due later'), { delayMs: (i + 4) * 60_000 }),
      );
    });
  }
  return { routingKey: THING_HAPPENED, ids };
}

async function main(): Promise<void> {
  const app = await startTestApp({
    database: process.env.CONSOLE_DB!,
    uri: process.env.CONSOLE_URI!,
    modules: [StepModule],
    listen: true,
    txmsg: { console: true, retry: { ladderMs: [100], scanIntervalMs: 50 } },
  });
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
  await writeScheduled(app, Number(process.env.CONSOLE_SCHEDULED ?? 0));
  process.stdout.write(`console-ordering-app ready ${(app.getHttpServer().address() as AddressInfo).port}\n`);
}

// Imported by the tests for its module and constants, it must not start a second application there.
if (require.main === module) {
  void main().catch((error) => {
    process.stderr.write(`${(error as Error).stack}\n`);
    process.exit(1);
  });
}
