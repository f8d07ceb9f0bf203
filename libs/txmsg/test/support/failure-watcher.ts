import { Injectable, Module } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { OnTxMsgFailure, type TxMsgFailureEvent } from '../../src';
import { dialect } from './engine';

/** Counts one more run of a hook in the database, so runs are counted across processes too. */
const COUNT_RUN = dialect.sql(
  dialect.name === 'postgres'
    ? 'INSERT INTO t_effects (k, times) VALUES (?, 1) ON CONFLICT (k) DO UPDATE SET times = t_effects.times + 1'
    : 'INSERT INTO t_effects (k, times) VALUES (?, 1) ON DUPLICATE KEY UPDATE times = times + 1',
);

/** Failure hooks of a test application: each run kept in memory and counted in `t_effects` (`hook:<name>:<event id>`). */
@Injectable()
export class FailureWatcher {
  readonly parked: TxMsgFailureEvent[] = [];
  readonly exhausted: TxMsgFailureEvent[] = [];
  readonly notifications: TxMsgFailureEvent[] = [];
  readonly flaky: TxMsgFailureEvent[] = [];
  /** How many more times the flaky hook throws. */
  flakyThrows = 0;
  /** The status of each parked row as another connection saw it while its hook ran: committed, or nothing. */
  readonly seenAtHook = new Map<string, string | undefined>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @OnTxMsgFailure('parked')
  async onParked(event: TxMsgFailureEvent): Promise<void> {
    if (event.outcome !== 'notification-exhausted') {
      const rows = await this.dataSource.query(dialect.sql('SELECT status FROM txmsg_inbox_failure WHERE id = ?'), [
        event.failureId,
      ]);
      this.seenAtHook.set(event.id, rows[0]?.status);
    }
    await this.count('parked', event);
    this.parked.push(event);
  }

  @OnTxMsgFailure('exhausted')
  async onExhausted(event: TxMsgFailureEvent): Promise<void> {
    await this.count('exhausted', event);
    this.exhausted.push(event);
  }

  @OnTxMsgFailure('notification-exhausted')
  async onNotificationExhausted(event: TxMsgFailureEvent): Promise<void> {
    await this.count('notification', event);
    this.notifications.push(event);
  }

  /** Hears exhausted messages too, and throws while told to. */
  @OnTxMsgFailure('exhausted')
  async flakyHook(event: TxMsgFailureEvent): Promise<void> {
    this.flaky.push(event);
    if (this.flakyThrows > 0) {
      this.flakyThrows--;
      throw new Error('the ticket system is down');
    }
  }

  private async count(hook: string, event: TxMsgFailureEvent): Promise<void> {
    await this.dataSource.query(COUNT_RUN, [`hook:${hook}:${event.id}`]);
  }
}

@Module({ providers: [FailureWatcher] })
export class FailureWatcherModule {}
