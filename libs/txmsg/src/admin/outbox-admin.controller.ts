import { BadRequestException, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { Outbox } from '../outbox/outbox';
import { OutboxStore } from '../store/outbox-store';
import type { OutboxStatus } from '../store/outbox-rows';
import { parseLimit } from './admin-params';
import { ADMIN_DOCS as doc, adminApi } from './admin-api-docs';
import { CANCEL_ANSWER, OUTBOX_ANSWER } from './admin-schemas';
import { AdminTokenGuard } from './admin-token.guard';

export const OUTBOX_STATUSES: string[] = [
  'PREPARED',
  'READY',
  'SCHEDULED',
  'PUBLISHED',
  'DISCARDED',
  'CANCELLED',
] satisfies OutboxStatus[];

/** A message id in a path: at most the 64 characters the outbox stores, and no separators. */
export const MESSAGE_ID = /^[\w.:-]{1,64}$/;

/**
 * Admin API over the outbox: what waits (delayed messages with their due time), what was sent,
 * what check-back discarded; and the cancel of a delayed message.
 */
@Controller('outbox')
@UseGuards(AdminTokenGuard)
@adminApi()
export class OutboxAdminController {
  constructor(
    private readonly store: OutboxStore,
    private readonly messages: Outbox,
  ) {}

  /** `GET /txmsg/outbox?status=SCHEDULED` — outbox rows, newest first; counts per status without `status`. */
  @Get()
  @doc.ok(
    'Rows per status without `status`; that status’s rows, newest first, with it (a SCHEDULED row is due at its `nextAttemptAt`).',
    OUTBOX_ANSWER,
  )
  @doc.query('status', OUTBOX_STATUSES, 'List this status’s rows.')
  @doc.limit
  async outbox(@Query('status') status?: string, @Query('limit') limit?: string) {
    if (status === undefined) return this.store.countsByStatus();
    if (!OUTBOX_STATUSES.includes(status)) {
      throw new BadRequestException(`status must be one of ${OUTBOX_STATUSES.join(', ')}`);
    }
    return this.store.newest(status as OutboxStatus, parseLimit(limit));
  }

  /**
   * `POST /txmsg/outbox/:messageId/cancel` — cancels a delayed message not yet due; `cancelled` is
   * false for one already due or published, one that was not delayed, or an unknown id.
   */
  @Post(':messageId/cancel')
  @HttpCode(200)
  @doc.ok('Whether the delayed message was cancelled (it then never leaves).', CANCEL_ANSWER)
  async cancel(@Param('messageId') messageId: string) {
    if (!MESSAGE_ID.test(messageId)) {
      throw new BadRequestException('messageId must be 1 to 64 letters, digits or . _ : -');
    }
    return { cancelled: await this.messages.cancel(messageId) };
  }
}
