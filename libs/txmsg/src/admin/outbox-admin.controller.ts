import { BadRequestException, Controller, Get, Query, UseGuards } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { parseLimit } from './admin-params';
import { ADMIN_DOCS as doc, adminApi } from './admin-api-docs';
import { OUTBOX_ANSWER } from './admin-schemas';
import { AdminTokenGuard } from './admin-token.guard';
import { outboxCounts, outboxRows } from './outbox-rows';

const OUTBOX_STATUSES = ['PREPARED', 'READY', 'PUBLISHED', 'DISCARDED'];

/** Admin API over the outbox: what waits, what was sent, what check-back discarded. Reads only. */
@Controller('txmsg/outbox')
@UseGuards(AdminTokenGuard)
@adminApi()
export class OutboxAdminController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** `GET /txmsg/outbox?status=DISCARDED` — outbox rows, newest first; counts per status without `status`. */
  @Get()
  @doc.ok('Rows per status without `status`; that status’s rows, newest first, with it.', OUTBOX_ANSWER)
  @doc.query('status', OUTBOX_STATUSES, 'List this status’s rows.')
  @doc.limit
  async outbox(@Query('status') status?: string, @Query('limit') limit?: string) {
    if (status === undefined) return outboxCounts(this.dataSource);
    if (!OUTBOX_STATUSES.includes(status)) {
      throw new BadRequestException(`status must be one of ${OUTBOX_STATUSES.join(', ')}`);
    }
    return outboxRows(this.dataSource, status, parseLimit(limit));
  }
}
