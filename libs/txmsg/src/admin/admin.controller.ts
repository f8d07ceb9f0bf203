import { BadRequestException, Controller, Delete, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DeadLetterQueues } from '../broker/dead-letter-queues';
import { InvalidCursorError } from '../consumer/failure-cursor';
import { FailureStore, type FailureStatus } from '../consumer/failure-store';
import { RetryScheduler } from '../consumer/retry-scheduler';
import { AdminTokenGuard } from './admin-token.guard';

const FAILURE_STATUSES: FailureStatus[] = ['WAITING', 'DISPATCHED', 'PARKED'];
const OUTBOX_STATUSES = ['PREPARED', 'READY', 'PUBLISHED', 'DISCARDED'];

/**
 * The library's admin API, under `/txmsg`, behind a bearer token: parked and retrying messages
 * (list, requeue, purge), the broker's dead letters (list, requeue) and the outbox (list by
 * status, counts). Nothing is dropped silently:
 * a parked message stays until someone requeues or purges it.
 */
@Controller('txmsg')
@UseGuards(AdminTokenGuard)
export class AdminController {
  constructor(
    private readonly failures: FailureStore,
    private readonly retries: RetryScheduler,
    private readonly deadLetters: DeadLetterQueues,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** `GET /txmsg/dead-letters` — the broker-side parking queue of each subscribed queue, with its message count. */
  @Get('dead-letters')
  listDeadLetters() {
    return this.deadLetters.list();
  }

  /** `POST /txmsg/dead-letters/:queue/requeue?limit=100` — moves dead-lettered messages back to their queue. */
  @Post('dead-letters/:queue/requeue')
  @HttpCode(200)
  async requeueDeadLetters(@Param('queue') queue: string, @Query('limit') limit?: string) {
    return { requeued: await this.deadLetters.requeue(queue, parseLimit(limit)) };
  }

  /**
   * `GET /txmsg/failures?status=PARKED&limit=100&after=<cursor>` — failed messages, newest first,
   * as `{ items, nextCursor }`; pass `nextCursor` as `after` for the next page (null: last page).
   */
  @Get('failures')
  listFailures(@Query('status') status?: string, @Query('limit') limit?: string, @Query('after') after?: string) {
    if (status !== undefined && !FAILURE_STATUSES.includes(status as FailureStatus)) {
      throw new BadRequestException(`status must be one of ${FAILURE_STATUSES.join(', ')}`);
    }
    return this.page(status as FailureStatus | undefined, limit, after);
  }

  /** `GET /txmsg/parked?limit=100&after=<cursor>` — parked messages, paged as `/txmsg/failures`. */
  @Get('parked')
  listParked(@Query('limit') limit?: string, @Query('after') after?: string) {
    return this.page('PARKED', limit, after);
  }

  /** `POST /txmsg/parked/requeue` — every parked message back to its queue, 500 rows per statement. */
  @Post('parked/requeue')
  @HttpCode(200)
  async requeueAll() {
    return this.requeued(await this.failures.requeue());
  }

  /** `POST /txmsg/parked/:id/requeue` — one parked message back to its queue. */
  @Post('parked/:id/requeue')
  @HttpCode(200)
  async requeueOne(@Param('id') id: string) {
    return this.requeued(await this.failures.requeue(parseId(id)));
  }

  /** `DELETE /txmsg/parked` — deletes every parked message, 500 rows per statement. */
  @Delete('parked')
  async purgeAll() {
    return { purged: await this.failures.purge() };
  }

  /** `DELETE /txmsg/parked/:id` — deletes one parked message. */
  @Delete('parked/:id')
  async purgeOne(@Param('id') id: string) {
    return { purged: await this.failures.purge(parseId(id)) };
  }

  /** `GET /txmsg/outbox?status=DISCARDED` — outbox rows, newest first; counts per status without `status`. */
  @Get('outbox')
  async outbox(@Query('status') status?: string, @Query('limit') limit?: string) {
    if (status === undefined) {
      const rows: { status: string; count: string }[] = await this.dataSource.query(
        'SELECT status, COUNT(*) AS count FROM txmsg_outbox GROUP BY status',
      );
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.count)]));
    }
    if (!OUTBOX_STATUSES.includes(status)) {
      throw new BadRequestException(`status must be one of ${OUTBOX_STATUSES.join(', ')}`);
    }
    return this.dataSource.query(
      `SELECT id, message_id AS messageId, type, routing_key AS routingKey, status, tx_group AS txGroup,
              check_count AS checkCount, attempts, next_attempt_at AS nextAttemptAt, last_error AS lastError,
              created_at AS createdAt, finished_at AS finishedAt, payload
         FROM txmsg_outbox WHERE status = ? ORDER BY id DESC LIMIT ?`,
      [status, parseLimit(limit)],
    );
  }

  private async page(status: FailureStatus | undefined, limit: string | undefined, after: string | undefined) {
    try {
      return await this.failures.list({ status, limit: parseLimit(limit), after });
    } catch (error) {
      if (error instanceof InvalidCursorError) throw new BadRequestException(error.message);
      throw error;
    }
  }

  private requeued(count: number) {
    if (count > 0) this.retries.wake();
    return { requeued: count };
  }
}

function parseLimit(limit?: string): number {
  if (limit === undefined) return 100;
  if (!/^\d{1,4}$/.test(limit) || Number(limit) < 1 || Number(limit) > 1000) {
    throw new BadRequestException('limit must be a whole number from 1 to 1000');
  }
  return Number(limit);
}

function parseId(id: string): string {
  if (!/^\d{1,19}$/.test(id)) throw new BadRequestException('id must be a positive whole number');
  return id;
}
