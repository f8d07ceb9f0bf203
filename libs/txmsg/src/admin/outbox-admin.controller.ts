import { BadRequestException, Controller, Get, Query, UseGuards } from '@nestjs/common';
import { OutboxStore } from '../store/outbox-store';
import type { OutboxStatus } from '../store/outbox-rows';
import { parseLimit } from './admin-params';
import { ADMIN_DOCS as doc, adminApi } from './admin-api-docs';
import { OUTBOX_ANSWER } from './admin-schemas';
import { AdminTokenGuard } from './admin-token.guard';

const OUTBOX_STATUSES: string[] = ['PREPARED', 'READY', 'PUBLISHED', 'DISCARDED'] satisfies OutboxStatus[];

/** Admin API over the outbox: what waits, what was sent, what check-back discarded. Reads only. */
@Controller('txmsg/outbox')
@UseGuards(AdminTokenGuard)
@adminApi()
export class OutboxAdminController {
  constructor(private readonly store: OutboxStore) {}

  /** `GET /txmsg/outbox?status=DISCARDED` — outbox rows, newest first; counts per status without `status`. */
  @Get()
  @doc.ok('Rows per status without `status`; that status’s rows, newest first, with it.', OUTBOX_ANSWER)
  @doc.query('status', OUTBOX_STATUSES, 'List this status’s rows.')
  @doc.limit
  async outbox(@Query('status') status?: string, @Query('limit') limit?: string) {
    if (status === undefined) return this.store.countsByStatus();
    if (!OUTBOX_STATUSES.includes(status)) {
      throw new BadRequestException(`status must be one of ${OUTBOX_STATUSES.join(', ')}`);
    }
    return this.store.newest(status as OutboxStatus, parseLimit(limit));
  }
}
