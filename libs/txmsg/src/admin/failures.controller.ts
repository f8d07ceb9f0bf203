import { BadRequestException, Controller, Delete, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import type { FailureStatus } from '../consumer/failed-message';
import { InvalidCursorError } from '../consumer/failure-cursor';
import { FailureQueries } from '../consumer/failure-queries';
import { RetryScheduler } from '../consumer/retry-scheduler';
import { parseId, parseLimit } from './admin-params';
import { ADMIN_DOCS as doc, adminApi } from './admin-api-docs';
import { FAILED_MESSAGE_PAGE } from './admin-schemas';
import { AdminTokenGuard } from './admin-token.guard';

const FAILURE_STATUSES: FailureStatus[] = ['WAITING', 'DISPATCHED', 'PARKED'];

/**
 * Admin API over the messages `@Idempotent` consumers failed on: those on the retry ladder and
 * those parked (list, requeue, purge). A parked message stays until someone requeues or purges it.
 */
@Controller()
@UseGuards(AdminTokenGuard)
@adminApi()
export class FailuresController {
  constructor(
    private readonly failures: FailureQueries,
    private readonly retries: RetryScheduler,
  ) {}

  /**
   * `GET /txmsg/failures?status=PARKED&limit=100&after=<cursor>` — failed messages, newest first,
   * as `{ items, nextCursor }`; pass `nextCursor` as `after` for the next page (null: last page).
   */
  @Get('failures')
  @doc.ok('Failed messages, newest first.', FAILED_MESSAGE_PAGE)
  @doc.query('status', FAILURE_STATUSES, 'Only these; all without it.')
  @doc.limit
  @doc.after
  listFailures(@Query('status') status?: string, @Query('limit') limit?: string, @Query('after') after?: string) {
    if (status !== undefined && !FAILURE_STATUSES.includes(status as FailureStatus)) {
      throw new BadRequestException(`status must be one of ${FAILURE_STATUSES.join(', ')}`);
    }
    return this.page(status as FailureStatus | undefined, limit, after);
  }

  /** `GET /txmsg/parked?limit=100&after=<cursor>` — parked messages, paged as `/txmsg/failures`. */
  @Get('parked')
  @doc.ok('Parked messages, newest first.', FAILED_MESSAGE_PAGE)
  @doc.limit
  @doc.after
  listParked(@Query('limit') limit?: string, @Query('after') after?: string) {
    return this.page('PARKED', limit, after);
  }

  /** `POST /txmsg/parked/requeue` — every parked message back to its queue, 500 rows per statement. */
  @Post('parked/requeue')
  @HttpCode(200)
  @doc.ok('How many went back to their queue.', doc.count('requeued'))
  async requeueAll() {
    return this.requeued(await this.failures.requeue());
  }

  /** `POST /txmsg/parked/:id/requeue` — one parked message back to its queue. */
  @Post('parked/:id/requeue')
  @HttpCode(200)
  @doc.ok(
    '1, or 0 when no parked message has that id (or it is OVERSIZED: its whole body is only in `<queue>.parked`).',
    doc.count('requeued'),
  )
  async requeueOne(@Param('id') id: string) {
    return this.requeued(await this.failures.requeue(parseId(id)));
  }

  /** `DELETE /txmsg/parked` — deletes every parked message, 500 rows per statement. */
  @Delete('parked')
  @doc.ok('How many were deleted.', doc.count('purged'))
  async purgeAll() {
    return { purged: await this.failures.purge() };
  }

  /** `DELETE /txmsg/parked/:id` — deletes one parked message. */
  @Delete('parked/:id')
  @doc.ok('1, or 0 when no parked message has that id.', doc.count('purged'))
  async purgeOne(@Param('id') id: string) {
    return { purged: await this.failures.purge(parseId(id)) };
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
