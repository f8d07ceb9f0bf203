import {
  BadRequestException,
  Controller,
  Get,
  Param,
  Post,
  Query,
  Redirect,
  Req,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { MESSAGE_ID, OUTBOX_STATUSES } from '../admin/outbox-admin.controller';
import { Outbox } from '../outbox/outbox';
import type { OutboxStatus } from '../store/outbox-rows';
import { OutboxStore } from '../store/outbox-store';
import { apiDoc } from '../support/api-docs';
import { queryOf } from './console-html';
import { ConsoleHttp, htmlPage } from './console-http';
import { outboxPage } from './console-outbox-pages';
import { ConsoleRefusalFilter } from './console-refusal.filter';
import { type ConsoleRequest, filledIn } from './console-request';
import { ConsoleTokenGuard } from './console-token.guard';

const PAGE_SIZE = 50;
/** What is still to leave is shown by what leaves next; what is done, by what was due last. */
const WAITING: string[] = ['SCHEDULED', 'READY', 'PREPARED'];
const PREFIX = 'outbox:';

/** Where the next page starts: the due time (ms) and id of the last row shown, opaque to the browser. */
function encodeCursor(dueAt: Date, id: string): string {
  return Buffer.from(`${PREFIX}${new Date(dueAt).getTime()}.${id}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { dueAt: Date; id: string } {
  const decoded = /^[A-Za-z0-9_-]{1,80}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const match = /^outbox:(\d{1,15})\.([1-9]\d{0,18})$/.exec(decoded);
  if (!match) throw new BadRequestException('after must be the link of a next page');
  return { dueAt: new Date(Number(match[1])), id: match[2] };
}

/** What the last cancel did, from its count in the query string. */
function doneText(query: Record<string, unknown>): string | undefined {
  if (query.cancelled === '1') return 'Cancelled 1 message.';
  if (query.cancelled === '0') return 'Cancelled 0 messages (already released, or cancelled before).';
  return undefined;
}

/**
 * The outbox by status, with the counts of every status: the delayed (SCHEDULED) messages by
 * due time, soonest first, each with its cancel; 50 a page, each page starting after the last
 * row of the one before (no offset, so a deep page costs what the first does).
 */
@Controller('outbox')
@UseGuards(ConsoleTokenGuard)
@UseFilters(ConsoleRefusalFilter)
@apiDoc('ApiExcludeController')
export class ConsoleOutboxController {
  constructor(
    private readonly http: ConsoleHttp,
    private readonly store: OutboxStore,
    private readonly messages: Outbox,
  ) {}

  /** `GET /<console>/outbox?status=SCHEDULED&after=…` — one page of a status (SCHEDULED by default). */
  @Get()
  @htmlPage()
  async list(@Req() request: ConsoleRequest, @Query() query: Record<string, unknown>): Promise<string> {
    const given = filledIn(query);
    const status = given.status ?? 'SCHEDULED';
    if (typeof status !== 'string' || !OUTBOX_STATUSES.includes(status)) {
      throw new BadRequestException(`status must be one of ${OUTBOX_STATUSES.join(', ')}`);
    }
    if (given.after !== undefined && typeof given.after !== 'string') {
      throw new BadRequestException('after must be the link of a next page');
    }
    const after = given.after === undefined ? undefined : decodeCursor(given.after);
    const latestFirst = !WAITING.includes(status);
    const rows = await this.store.byDueTime(status as OutboxStatus, { after, latestFirst, limit: PAGE_SIZE + 1 });
    const shown = rows.slice(0, PAGE_SIZE);
    const last = shown[shown.length - 1];
    const next = rows.length > PAGE_SIZE ? encodeCursor(last.nextAttemptAt, last.id) : undefined;
    const counts = await this.store.countsByStatus();
    const base = this.http.base(request);
    return outboxPage(base, { status, latestFirst }, counts, OUTBOX_STATUSES, shown, next, doneText(query));
  }

  /** `POST /<console>/outbox/:messageId/cancel` — cancels a delayed message not yet due; to the list, saying whether. */
  @Post(':messageId/cancel')
  @Redirect()
  async cancel(@Req() request: ConsoleRequest, @Param('messageId') messageId: string) {
    if (!MESSAGE_ID.test(messageId)) {
      throw new BadRequestException('messageId must be 1 to 64 letters, digits or . _ : -');
    }
    const cancelled = await this.messages.cancel(messageId);
    const url = `${this.http.base(request)}/outbox${queryOf({ status: 'SCHEDULED', cancelled: cancelled ? '1' : '0' })}`;
    return { url, statusCode: 303 };
  }
}
