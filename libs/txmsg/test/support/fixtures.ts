import { RabbitSubscribe } from '@golevelup/nestjs-rabbitmq';
import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable, Module } from '@nestjs/common';
import type { ConsumeMessage } from 'amqplib';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import {
  Idempotent,
  IntegrationEvent,
  type LocalTransactionListener,
  type LocalTransactionState,
  HttpNotifier,
  Outbox,
  type TransactionMessage,
  TransactionalListener,
  UnrecoverableMessageError,
} from '../../src';
import { envelopeOf } from '../../src/envelope';
import { dialect } from './engine';

/** The fixtures' statements, written with `?`, in the test engine's placeholders. */
const q = (statement: string) => dialect.sql(statement);

/** Counts one more application of an effect (a row per effect key). */
export const COUNT_EFFECT =
  dialect.name === 'postgres'
    ? 'INSERT INTO t_effects (k, times) VALUES (?, 1) ON CONFLICT (k) DO UPDATE SET times = t_effects.times + 1'
    : 'INSERT INTO t_effects (k, times) VALUES (?, 1) ON DUPLICATE KEY UPDATE times = times + 1';

/** Business tables of the test service: what the producer changes and what consumers apply (portable DDL). */
export class TestTables1764000000001 implements MigrationInterface {
  name = 'TestTables1764000000001';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE IF NOT EXISTS t_ledger (id VARCHAR(64) PRIMARY KEY, note VARCHAR(255) NOT NULL)`);
    await q.query(`CREATE TABLE IF NOT EXISTS t_effects (k VARCHAR(191) PRIMARY KEY, times INT NOT NULL)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE t_effects');
    await q.query('DROP TABLE t_ledger');
  }
}

export const EXCHANGE = 'txmsg.events';
export const THING_HAPPENED = 'test.thing.happened';
export const THINGS_QUEUE = 'test.things';
export const OTHER_HAPPENED = 'test.other.happened';
export const OTHERS_QUEUE = 'test.others';

@IntegrationEvent(THING_HAPPENED)
export class ThingHappened {
  constructor(
    readonly id: string,
    readonly note: string,
  ) {}
}

/** A producer in CQRS style: the business row and the event commit together. */
@Injectable()
export class ThingService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly outbox: Outbox,
  ) {}

  @Transactional()
  async create(id: string, note: string, failAfterWrite = false): Promise<void> {
    await this.txHost.tx.query(q('INSERT INTO t_ledger (id, note) VALUES (?, ?)'), [id, note]);
    await this.outbox.publish(new ThingHappened(id, note));
    if (failAfterWrite) throw new Error('business rule failed after the writes');
  }

  /** Writes to the outbox with no transaction open: must be refused. */
  async createWithoutTransaction(id: string): Promise<void> {
    await this.outbox.publish(new ThingHappened(id, 'no tx'));
  }
}

export type ExecuteScript = LocalTransactionState | 'THROW';

export interface ExecuteArg {
  execute: ExecuteScript;
  /** Awaited after the business write, before answering: lets a test stall the local transaction. */
  gate?: Promise<void>;
}

/** A transactional listener whose answers each test scripts. */
@TransactionalListener({ group: 'test-group' })
export class ScriptedListener implements LocalTransactionListener<{ id: string }, ExecuteArg> {
  readonly checks: { id: string; checkCount: number }[] = [];
  /** Answers of check(), by payload id; once used up, check() says whether the ledger row exists. */
  readonly checkAnswers = new Map<string, LocalTransactionState[]>();
  /** Payload ids whose local transaction has written its business row (and may now be held at its gate). */
  readonly written: string[] = [];

  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  async execute(message: TransactionMessage<{ id: string }>, arg: ExecuteArg): Promise<LocalTransactionState> {
    await this.txHost.tx.query(q('INSERT INTO t_ledger (id, note) VALUES (?, ?)'), [message.payload.id, 'tx']);
    this.written.push(message.payload.id);
    await arg.gate;
    if (arg.execute === 'THROW') throw new Error('local transaction failed');
    return arg.execute;
  }

  async check(message: TransactionMessage<{ id: string }>): Promise<LocalTransactionState> {
    this.checks.push({ id: message.payload.id, checkCount: message.checkCount });
    const scripted = this.checkAnswers.get(message.payload.id)?.shift();
    if (scripted) return scripted;
    const rows = await this.txHost.tx.query(q('SELECT 1 FROM t_ledger WHERE id = ?'), [message.payload.id]);
    return rows.length > 0 ? 'COMMIT' : 'UNKNOWN';
  }
}

export interface Delivery {
  id: string;
  messageId: string;
  attempt: number;
  at: number;
}

/** Idempotent consumers; `failures` scripts how many times a payload id fails before succeeding. */
@Injectable()
export class ThingConsumer {
  readonly deliveries: Delivery[] = [];
  readonly failures = new Map<string, number | 'unrecoverable'>();
  /** Awaited by the handler of a payload id after its write: lets a test hold a delivery in flight. */
  readonly gates = new Map<string, Promise<void>>();

  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  @RabbitSubscribe({ exchange: EXCHANGE, routingKey: THING_HAPPENED, queue: THINGS_QUEUE })
  @Idempotent({ key: 'id' })
  async onThing(payload: { id: string }, message: ConsumeMessage): Promise<void> {
    await this.apply(`thing:${payload.id}`, payload, message);
  }

  // The other stacking order: @Idempotent above @RabbitSubscribe; key defaults to the message id.
  @Idempotent()
  @RabbitSubscribe({ exchange: EXCHANGE, routingKey: OTHER_HAPPENED, queue: OTHERS_QUEUE })
  async onOther(payload: { id: string }, message: ConsumeMessage): Promise<void> {
    await this.apply(`other:${payload.id}`, payload, message);
  }

  private async apply(effect: string, payload: { id: string }, message: ConsumeMessage): Promise<void> {
    const envelope = envelopeOf(message);
    this.deliveries.push({ id: payload.id, messageId: envelope.id, attempt: envelope.attempt, at: Date.now() });
    // The effect is written before the failure, so a retry proves the failed attempt rolled back.
    await this.txHost.tx.query(q(COUNT_EFFECT), [effect]);
    await this.gates.get(payload.id);
    const failing = this.failures.get(payload.id);
    if (failing === 'unrecoverable') throw new UnrecoverableMessageError(`payload ${payload.id} is not acceptable`);
    if (typeof failing === 'number' && failing > 0) {
      this.failures.set(payload.id, failing - 1);
      throw new Error(`handler failure for ${payload.id}`);
    }
  }
}

/** A producer of best-effort notifications: the business row and the notification commit together. */
@Injectable()
export class NotifyingService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly notifier: HttpNotifier,
  ) {}

  @Transactional()
  async record(id: string, url: string, failAfterWrite = false): Promise<void> {
    await this.txHost.tx.query(q('INSERT INTO t_ledger (id, note) VALUES (?, ?)'), [id, 'notified']);
    await this.notifier.enqueue({ url, type: 'test.thing.recorded', subject: id, data: { id, amount: '10.00' } });
    if (failAfterWrite) throw new Error('business rule failed after the writes');
  }
}

@Module({ providers: [ThingService, ScriptedListener, NotifyingService], exports: [ThingService] })
export class ProducerFixtureModule {}

@Module({ providers: [ThingConsumer] })
export class ConsumerFixtureModule {}
