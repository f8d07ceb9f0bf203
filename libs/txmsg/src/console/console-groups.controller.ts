import {
  BadRequestException,
  Controller,
  Get,
  Post,
  Query,
  Redirect,
  Req,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { parseFailureFilter } from '../admin/admin-params';
import { FailureQueries } from '../consumer/failure-queries';
import { RetryScheduler } from '../consumer/retry-scheduler';
import { apiDoc } from '../support/api-docs';
import { queryOf } from './console-html';
import { ConsoleHttp, htmlPage } from './console-http';
import { confirmPage, groupsPage } from './console-group-pages';
import { ConsoleRefusalFilter } from './console-refusal.filter';
import { type ConsoleRequest, filledIn } from './console-request';
import { ConsoleTokenGuard } from './console-token.guard';

type Query = Record<string, unknown>;

const ACTIONS = ['requeue', 'delete'] as const;

/** What the last bulk action did, from its counts in the query string. */
function doneText(query: Query): string | undefined {
  for (const [key, verb] of [
    ['requeued', 'Requeued'],
    ['deleted', 'Deleted'],
  ]) {
    const value = query[key];
    if (typeof value === 'string' && /^\d{1,9}$/.test(value)) {
      return `${verb} ${Number(value)} message${Number(value) === 1 ? '' : 's'}.`;
    }
  }
  return undefined;
}

/**
 * Parked messages by cause and the bulk actions on them: a group (consumer and fingerprint) or
 * any filter of the failures list is requeued or deleted after a page that shows how many it
 * takes; the action walks the rows 500 at a time (see FailureQueries) and says how many it
 * changed. The filter travels in the query string, so the POST has no body to parse.
 */
@Controller('groups')
@UseGuards(ConsoleTokenGuard)
@UseFilters(ConsoleRefusalFilter)
@apiDoc('ApiExcludeController')
export class ConsoleGroupsController {
  constructor(
    private readonly http: ConsoleHttp,
    private readonly queries: FailureQueries,
    private readonly retries: RetryScheduler,
  ) {}

  /** `GET /<console>/groups?consumer=…&reason=…` — parked messages by cause, largest group first. */
  @Get()
  @htmlPage()
  async list(@Req() request: ConsoleRequest, @Query() query: Query): Promise<string> {
    const given = filledIn(query);
    const { consumer, reason } = parseFailureFilter({ consumer: given.consumer, reason: given.reason });
    const groups = await this.queries.groups({ status: 'PARKED', consumer, reason, limit: 200 });
    return groupsPage(this.http.base(request), { consumer, reason }, groups, doneText(query));
  }

  /** `GET /<console>/groups/confirm?action=requeue|delete&consumer=…&reason=…&fingerprint=…&search=…` — the count, and the form. */
  @Get('confirm')
  @htmlPage()
  async confirm(@Req() request: ConsoleRequest, @Query() query: Query): Promise<string> {
    const action = query.action;
    if (!ACTIONS.includes(action as (typeof ACTIONS)[number])) {
      throw new BadRequestException(`action must be one of ${ACTIONS.join(', ')}`);
    }
    const filter = parseFailureFilter(filledIn(query));
    const count = await this.queries.count({ ...filter, status: 'PARKED' });
    return confirmPage(this.http.base(request), action as 'requeue' | 'delete', filter, count);
  }

  /** `POST /<console>/groups/requeue?consumer=…&reason=…&fingerprint=…&search=…` — requeues them; to the groups, saying how many. */
  @Post('requeue')
  @Redirect()
  async requeue(@Req() request: ConsoleRequest, @Query() query: Query) {
    const filter = parseFailureFilter(filledIn(query));
    const requeued = await this.queries.requeue(filter);
    if (requeued > 0) this.retries.wake();
    return this.done(request, { requeued: String(requeued) });
  }

  /** `POST /<console>/groups/delete?consumer=…&reason=…&fingerprint=…&search=…` — deletes them; to the groups, saying how many. */
  @Post('delete')
  @Redirect()
  async remove(@Req() request: ConsoleRequest, @Query() query: Query) {
    const filter = parseFailureFilter(filledIn(query));
    const deleted = await this.queries.purge(filter);
    return this.done(request, { deleted: String(deleted) });
  }

  /** Back to the groups, which say how many the action changed (a count only: no text of a link is shown). */
  private done(request: ConsoleRequest, counts: Record<string, string>) {
    return { url: `${this.http.base(request)}/groups${queryOf(counts)}`, statusCode: 303 };
  }
}
