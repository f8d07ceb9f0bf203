import {
  BadRequestException,
  ConflictException,
  Controller,
  Get,
  NotFoundException,
  Param,
  Post,
  Query,
  Redirect,
  Req,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { parseFailureFilter, parseId } from '../admin/admin-params';
import type { FailureStatus } from '../consumer/failed-message';
import { InvalidCursorError } from '../consumer/failure-cursor';
import { FailureQueries } from '../consumer/failure-queries';
import { FailureSkip, SkipRefusedError } from '../consumer/failure-skip';
import { RetryScheduler } from '../consumer/retry-scheduler';
import { apiDoc } from '../support/api-docs';
import { queryOf } from './console-html';
import { ConsoleHistory } from './console-history';
import { ConsoleHttp, htmlPage } from './console-http';
import { ConsoleOverview } from './console-overview';
import { overviewPage } from './console-overview-page';
import { failuresPage, messagePage } from './console-pages';
import { ConsoleRefusalFilter } from './console-refusal.filter';
import { type ConsoleRequest, filledIn } from './console-request';
import { ConsoleTokenGuard } from './console-token.guard';

const STATUSES: FailureStatus[] = ['WAITING', 'DISPATCHED', 'PARKED'];
const PAGE_SIZE = 50;

/** How many messages an action changed, as the page it redirects to says it. */
const said = (count: string | undefined, verb: string) =>
  count === undefined ? undefined : `${verb} ${Number(count)} message${Number(count) === 1 ? '' : 's'}.`;

/**
 * The operator console's pages and actions, behind {@link ConsoleTokenGuard}: the overview, the
 * failed messages, one message with its attempts and requeue, skip and delete. Actions are POST forms answered with a
 * redirect to a page that shows how many messages they changed.
 */
@Controller()
@UseGuards(ConsoleTokenGuard)
@UseFilters(ConsoleRefusalFilter)
@apiDoc('ApiExcludeController')
export class ConsoleController {
  constructor(
    private readonly http: ConsoleHttp,
    private readonly overview: ConsoleOverview,
    private readonly history: ConsoleHistory,
    private readonly queries: FailureQueries,
    private readonly retries: RetryScheduler,
    private readonly skipper: FailureSkip,
  ) {}

  /**
   * `GET /<console>` — this instance's consumer rates, backlogs with their graphs over the last
   * hour, and what is stuck; refreshes itself every 5 s.
   */
  @Get()
  @htmlPage()
  async home(@Req() request: ConsoleRequest): Promise<string> {
    const { samples, intervalMs } = this.history;
    return overviewPage(this.http.base(request), await this.overview.read(), { samples, intervalMs });
  }

  /**
   * `GET /<console>/failures?status=PARKED&consumer=…&reason=…&fingerprint=…&search=…&after=…` — failed
   * messages, newest first, 50 a page.
   */
  @Get('failures')
  @htmlPage()
  async list(@Req() request: ConsoleRequest, @Query() query: Record<string, unknown>): Promise<string> {
    const given = filledIn(query);
    const status = given.status as string | undefined;
    if (status !== undefined && !STATUSES.includes(status as FailureStatus)) {
      throw new BadRequestException(`status must be one of ${STATUSES.join(', ')}`);
    }
    const filter = { status: status as FailureStatus | undefined, ...parseFailureFilter(given) };
    const after = typeof given.after === 'string' ? given.after : undefined;
    try {
      const list = await this.queries.list({ ...filter, after, limit: PAGE_SIZE });
      const shown = {
        status,
        consumer: filter.consumer,
        reason: filter.reason,
        search: filter.search,
        fingerprint: given.fingerprint as string,
      };
      const flash =
        said(given.deleted as string | undefined, 'Deleted') ?? said(given.skipped as string | undefined, 'Skipped');
      return failuresPage(this.http.base(request), shown, list, flash);
    } catch (error) {
      if (error instanceof InvalidCursorError) throw new BadRequestException(error.message);
      throw error;
    }
  }

  /** `GET /<console>/failures/:id` — one failed message. */
  @Get('failures/:id')
  @htmlPage()
  async message(
    @Req() request: ConsoleRequest,
    @Param('id') id: string,
    @Query('requeued') requeued?: string,
  ): Promise<string> {
    const found = await this.queries.get(parseId(id));
    if (!found) throw new NotFoundException(`no failed message has id ${id} (requeued and handled, or deleted)`);
    return messagePage(this.http.base(request), found, said(requeued, 'Requeued'));
  }

  /** `POST /<console>/failures/:id/requeue` — the parked message back to its queue; back to its page. */
  @Post('failures/:id/requeue')
  @Redirect()
  async requeue(@Req() request: ConsoleRequest, @Param('id') id: string) {
    const requeued = await this.queries.requeue(parseId(id));
    if (requeued > 0) this.retries.wake();
    return {
      url: `${this.http.base(request)}/failures/${id}${queryOf({ requeued: String(requeued) })}`,
      statusCode: 303,
    };
  }

  /**
   * `POST /<console>/failures/:id/skip` — gives up the parked message on purpose: recorded as
   * handled without its handler (a redelivery is a duplicate), its row gone, its ordering key
   * moved on; to the list. 409 when it cannot be recorded as handled (nothing changes).
   */
  @Post('failures/:id/skip')
  @Redirect()
  async skip(@Req() request: ConsoleRequest, @Param('id') id: string) {
    let skipped: number;
    try {
      skipped = await this.skipper.skip(parseId(id));
    } catch (error) {
      if (error instanceof SkipRefusedError) throw new ConflictException(error.message);
      throw error;
    }
    return { url: `${this.http.base(request)}/failures${queryOf({ skipped: String(skipped) })}`, statusCode: 303 };
  }

  /** `POST /<console>/failures/:id/delete` — deletes the parked message (only its row); to the list. */
  @Post('failures/:id/delete')
  @Redirect()
  async remove(@Req() request: ConsoleRequest, @Param('id') id: string) {
    const deleted = await this.queries.purge(parseId(id));
    return { url: `${this.http.base(request)}/failures${queryOf({ deleted: String(deleted) })}`, statusCode: 303 };
  }
}
