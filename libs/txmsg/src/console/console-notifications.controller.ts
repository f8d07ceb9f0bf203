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
import { HttpNotifier } from '../notify/http-notifier';
import { type NotificationFilter, NotificationQueries } from '../store/notification-queries';
import { apiDoc } from '../support/api-docs';
import { queryOf } from './console-html';
import { ConsoleHttp, htmlPage } from './console-http';
import { parseNotificationFilter, parseRowId } from './console-notification-params';
import { notificationPage, notificationsPage, resendConfirmPage, resentText } from './console-notification-pages';
import { ConsoleRefusalFilter } from './console-refusal.filter';
import { type ConsoleRequest, filledIn } from './console-request';
import { ConsoleTokenGuard } from './console-token.guard';

type Query = Record<string, unknown>;

const PAGE_SIZE = 50;

/**
 * The best-effort notifications as an operator sees them: listed and filtered, one with every
 * attempt, and re-sent, one or a filter's worth through a page that shows how many it takes.
 * Only DELIVERED and FAILED ones are re-sent: a PENDING one retries by itself, and may be in the
 * middle of an attempt. The filter travels in the query string, so the POST has no body to parse.
 */
@Controller('notifications')
@UseGuards(ConsoleTokenGuard)
@UseFilters(ConsoleRefusalFilter)
@apiDoc('ApiExcludeController')
export class ConsoleNotificationsController {
  constructor(
    private readonly http: ConsoleHttp,
    private readonly queries: NotificationQueries,
    private readonly notifier: HttpNotifier,
  ) {}

  /** `GET /<console>/notifications?status=…&receiver=…&subject=…&after=…` — newest first, 50 a page, with counts by status. */
  @Get()
  @htmlPage()
  async list(@Req() request: ConsoleRequest, @Query() query: Query): Promise<string> {
    const given = filledIn(query);
    const filter = parseNotificationFilter(given);
    const after = given.after === undefined ? null : parseRowId('after', given.after);
    const [rows, counts] = await Promise.all([
      this.queries.page(filter, after, PAGE_SIZE + 1),
      this.queries.countsByStatus(),
    ]);
    const shown = rows.slice(0, PAGE_SIZE);
    const next = rows.length > PAGE_SIZE ? shown[shown.length - 1].id : null;
    return notificationsPage(this.http.base(request), filter, counts, shown, next, resentText(given.resent));
  }

  /** `GET /<console>/notifications/confirm?status=…&receiver=…&subject=…` — how many a bulk re-send takes now, and its form. */
  @Get('confirm')
  @htmlPage()
  async confirm(@Req() request: ConsoleRequest, @Query() query: Query): Promise<string> {
    const filter = this.resendable(query);
    return resendConfirmPage(this.http.base(request), filter, await this.queries.countFinished(filter));
  }

  /** `POST /<console>/notifications/resend?status=…&receiver=…&subject=…` — re-sends them; to the list, saying how many. */
  @Post('resend')
  @Redirect()
  async resendAll(@Req() request: ConsoleRequest, @Query() query: Query) {
    const filter = this.resendable(query);
    const resent = await this.queries.resend(filter);
    if (resent > 0) this.notifier.wake();
    return { url: `${this.http.base(request)}/notifications${queryOf({ resent: String(resent) })}`, statusCode: 303 };
  }

  /** `GET /<console>/notifications/:id` — one notification, its body and every attempt. */
  @Get(':id')
  @htmlPage()
  async notification(@Req() request: ConsoleRequest, @Param('id') id: string, @Query() query: Query): Promise<string> {
    const found = await this.queries.get(parseRowId('id', id));
    if (!found)
      throw new NotFoundException(`no notification has id ${id} (purged after its retention, or never written)`);
    return notificationPage(this.http.base(request), found, resentText(query.resent));
  }

  /** `POST /<console>/notifications/:id/resend` — re-sends a DELIVERED or FAILED one; back to its page. */
  @Post(':id/resend')
  @Redirect()
  async resend(@Req() request: ConsoleRequest, @Param('id') id: string) {
    const found = await this.queries.get(parseRowId('id', id));
    if (!found)
      throw new NotFoundException(`no notification has id ${id} (purged after its retention, or never written)`);
    if (found.status === 'PENDING') {
      throw new ConflictException(`notification ${id} is PENDING: it is retried on its ladder by itself`);
    }
    // The statement takes it only if still finished, so one that became PENDING meanwhile counts 0.
    const resent = await this.queries.resend(id);
    if (resent > 0) this.notifier.wake();
    return {
      url: `${this.http.base(request)}/notifications/${id}${queryOf({ resent: String(resent) })}`,
      statusCode: 303,
    };
  }

  /** The filter of a bulk re-send: PENDING ones are refused, they retry by themselves. */
  private resendable(query: Query): NotificationFilter {
    const filter = parseNotificationFilter(filledIn(query));
    if (filter.status === 'PENDING') {
      throw new BadRequestException(
        'PENDING notifications are retried on their ladder by themselves: re-send takes DELIVERED or FAILED ones',
      );
    }
    return filter;
  }
}
