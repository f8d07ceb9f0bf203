import {
  BadRequestException,
  ConflictException,
  Controller,
  Delete,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { PARK_REASONS, type FailureStatus } from '../consumer/failed-message';
import { InvalidCursorError } from '../consumer/failure-cursor';
import { FailureQueries, type ParkedFilter } from '../consumer/failure-queries';
import { FailureSkip, SkipRefusedError } from '../consumer/failure-skip';
import { RetryScheduler } from '../consumer/retry-scheduler';
import { type FailureFilterQuery, parseFailureFilter, parseId, parseLimit } from './admin-params';
import { ADMIN_DOCS as doc, adminApi } from './admin-api-docs';
import { FAILED_MESSAGE_DETAIL, FAILED_MESSAGE_PAGE, FAILURE_GROUPS } from './admin-schemas';
import { AdminTokenGuard } from './admin-token.guard';

const FAILURE_STATUSES: FailureStatus[] = ['WAITING', 'DISPATCHED', 'PARKED'];

/** The query parameters documented on every route that takes a filter of failed messages. */
const filterDocs = (): MethodDecorator => (target, key, descriptor) => {
  for (const decorate of [
    doc.text('consumer', 'Only this consumer’s (its name, default `Class.method`).'),
    doc.query('reason', [...PARK_REASONS], 'Only those parked for this reason (any case: `forged` is FORGED).'),
    doc.text('fingerprint', 'Only this cause (16 hex digits, see /failures/groups); `none`: rows without one.'),
    doc.text(
      'search',
      'An exact message id or routing key, or a substring of the last error or body (reads every row).',
    ),
  ])
    decorate(target, key, descriptor);
};

/**
 * Admin API over the messages `@Idempotent` consumers failed on: those on the retry ladder and
 * those parked (grouped by cause, searched, inspected; requeued or purged one at a time or by
 * filter). A parked message stays until someone requeues or purges it.
 */
@Controller()
@UseGuards(AdminTokenGuard)
@adminApi()
export class FailuresController {
  constructor(
    private readonly failures: FailureQueries,
    private readonly retries: RetryScheduler,
    private readonly skipper: FailureSkip,
  ) {}

  /**
   * `GET /txmsg/failures?status=PARKED&consumer=&reason=&fingerprint=&search=&limit=100&after=<cursor>` —
   * failed messages, newest first, as `{ items, nextCursor }`; pass `nextCursor` as `after` for
   * the next page (null: last page).
   */
  @Get('failures')
  @doc.ok('Failed messages, newest first.', FAILED_MESSAGE_PAGE)
  @doc.query('status', FAILURE_STATUSES, 'Only these; all without it.')
  @filterDocs()
  @doc.limit
  @doc.after
  listFailures(@Query() query: FailureFilterQuery & { status?: unknown; limit?: string; after?: string }) {
    return this.page({ status: statusOf(query.status), ...parseFailureFilter(query) }, query.limit, query.after);
  }

  /**
   * `GET /txmsg/failures/groups?status=PARKED&consumer=&reason=&limit=100` — failures grouped by
   * cause (consumer, fingerprint, reason, error class), largest first, as `{ items }`.
   */
  @Get('failures/groups')
  @doc.ok('Groups of failures by cause, largest first.', FAILURE_GROUPS)
  @doc.query('status', FAILURE_STATUSES, 'Only these; all without it.')
  @doc.text('consumer', 'Only this consumer’s.')
  @doc.query('reason', [...PARK_REASONS], 'Only those parked for this reason.')
  @doc.limit
  async groups(@Query() query: { status?: unknown; consumer?: unknown; reason?: unknown; limit?: string }) {
    const { consumer, reason } = parseFailureFilter({ consumer: query.consumer, reason: query.reason });
    const items = await this.failures.groups({
      status: statusOf(query.status),
      consumer,
      reason,
      limit: parseLimit(query.limit),
    });
    return { items };
  }

  /** `GET /txmsg/failures/:id` — one failed message with its properties (headers), body, trace id and attempts (`history`). */
  @Get('failures/:id')
  @doc.ok('The failed message.', FAILED_MESSAGE_DETAIL)
  @doc.notFound('No failed message has that id.')
  async getOne(@Param('id') id: string) {
    const failure = await this.failures.get(parseId(id));
    if (!failure) throw new NotFoundException(`no failed message has id ${id}`);
    return failure;
  }

  /** `GET /txmsg/parked?consumer=&fingerprint=&search=&limit=100&after=<cursor>` — parked messages, paged as `/txmsg/failures`. */
  @Get('parked')
  @doc.ok('Parked messages, newest first.', FAILED_MESSAGE_PAGE)
  @filterDocs()
  @doc.limit
  @doc.after
  listParked(@Query() query: FailureFilterQuery & { limit?: string; after?: string }) {
    return this.page({ status: 'PARKED', ...parseFailureFilter(query) }, query.limit, query.after);
  }

  /** `GET /txmsg/parked/count?consumer=&fingerprint=&search=` — how many parked messages the filter matches. */
  @Get('parked/count')
  @doc.ok('How many parked messages match.', doc.count('count'))
  @filterDocs()
  async countParked(@Query() query: FailureFilterQuery) {
    return { count: await this.failures.count({ status: 'PARKED', ...parseFailureFilter(query) }) };
  }

  /**
   * `POST /txmsg/parked/requeue?consumer=&fingerprint=&search=` — the parked messages the filter
   * matches (every one without a filter) back to their queue, 500 rows per statement.
   */
  @Post('parked/requeue')
  @HttpCode(200)
  @doc.ok('How many went back to their queue.', doc.count('requeued'))
  @filterDocs()
  async requeueAll(@Query() query: FailureFilterQuery) {
    return this.requeued(await this.failures.requeue(parseFailureFilter(query)));
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

  /**
   * `POST /txmsg/parked/:id/skip` — gives up one parked message on purpose: it is recorded as
   * handled without running its handler (a redelivery is a duplicate and does nothing), its row
   * goes, and an ordering key waiting for it moves on. `DELETE /txmsg/parked/:id` only deletes
   * the row: a redelivery would be handled as new.
   */
  @Post('parked/:id/skip')
  @HttpCode(200)
  @doc.ok('1, or 0 when no parked message has that id.', doc.count('skipped'))
  @doc.conflict(
    'It cannot be recorded as handled: it failed before its dedup key was known (forged, poison, oversized), or another body was applied under its key. Nothing changed.',
  )
  async skipOne(@Param('id') id: string) {
    try {
      return { skipped: await this.skipper.skip(parseId(id)) };
    } catch (error) {
      if (error instanceof SkipRefusedError) throw new ConflictException(error.message);
      throw error;
    }
  }

  /**
   * `DELETE /txmsg/parked?consumer=&fingerprint=&search=` — deletes the parked messages the
   * filter matches (every one without a filter), 500 rows per statement.
   */
  @Delete('parked')
  @doc.ok('How many were deleted.', doc.count('purged'))
  @filterDocs()
  async purgeAll(@Query() query: FailureFilterQuery) {
    return { purged: await this.failures.purge(parseFailureFilter(query)) };
  }

  /** `DELETE /txmsg/parked/:id` — deletes one parked message. */
  @Delete('parked/:id')
  @doc.ok('1, or 0 when no parked message has that id.', doc.count('purged'))
  async purgeOne(@Param('id') id: string) {
    return { purged: await this.failures.purge(parseId(id)) };
  }

  private async page(filter: ParkedFilter & { status?: FailureStatus }, limit?: string, after?: string) {
    try {
      return await this.failures.list({ ...filter, limit: parseLimit(limit), after });
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

/** The `status` query parameter: one of the statuses, or none. */
function statusOf(status: unknown): FailureStatus | undefined {
  if (status !== undefined && !FAILURE_STATUSES.includes(status as FailureStatus)) {
    throw new BadRequestException(`status must be one of ${FAILURE_STATUSES.join(', ')}`);
  }
  return status as FailureStatus | undefined;
}
