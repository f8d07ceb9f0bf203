import { BadRequestException } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { type TransferRequest, toTransferRequest } from '../start-transfer/transfer-request';
import type { ScheduleTransferCommand } from './schedule-transfer.command';

/** How far ahead a transfer may be scheduled: 30 days. */
export const MAX_SCHEDULE_AHEAD_MS = 30 * 24 * 60 * 60 * 1000;

/** An ISO 8601 date and time with an explicit offset: a time without one means a different instant to each reader. */
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** A scheduled transfer request, checked and normalised. Pure. */
export interface ScheduledRequest extends TransferRequest {
  executeAt: Date;
}

/**
 * Checks a scheduled transfer as {@link toTransferRequest} does a transfer, and its time: in the
 * future (`now`), at most {@link MAX_SCHEDULE_AHEAD_MS} ahead. The hash covers the time too, so a
 * repeat under the same Idempotency-Key for another time is a different request.
 * @throws BadRequestException for an invalid request or time.
 */
export function toScheduledRequest(command: ScheduleTransferCommand, now = Date.now()): ScheduledRequest {
  const request = toTransferRequest(command);
  const executeAt = new Date(command.executeAt);
  if (!WITH_OFFSET.test(command.executeAt) || Number.isNaN(executeAt.getTime())) {
    throw new BadRequestException('executeAt must be an ISO 8601 time with an offset, e.g. 2026-12-24T09:00:00Z');
  }
  if (executeAt.getTime() <= now) throw new BadRequestException('executeAt must be in the future');
  if (executeAt.getTime() - now > MAX_SCHEDULE_AHEAD_MS) {
    throw new BadRequestException('executeAt must be at most 30 days ahead');
  }
  const hash = createHash('sha256')
    .update(JSON.stringify([request.hash, executeAt.toISOString()]))
    .digest('hex');
  return { ...request, executeAt, hash };
}
