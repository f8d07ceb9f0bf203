import { BadRequestException, Controller, Get, Query, UseGuards } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { parseLimit } from './admin-params';
import { AdminTokenGuard } from './admin-token.guard';

const OUTBOX_STATUSES = ['PREPARED', 'READY', 'PUBLISHED', 'DISCARDED'];

/** Admin API over the outbox: what waits, what was sent, what check-back discarded. Reads only. */
@Controller('txmsg/outbox')
@UseGuards(AdminTokenGuard)
export class OutboxAdminController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** `GET /txmsg/outbox?status=DISCARDED` — outbox rows, newest first; counts per status without `status`. */
  @Get()
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
}
