import { BadRequestException } from '@nestjs/common';

/** The `limit` query parameter of the admin API: 1 to 1000, default 100. */
export function parseLimit(limit?: string): number {
  if (limit === undefined) return 100;
  if (!/^\d{1,4}$/.test(limit) || Number(limit) < 1 || Number(limit) > 1000) {
    throw new BadRequestException('limit must be a whole number from 1 to 1000');
  }
  return Number(limit);
}

/** A row id in a path of the admin API (a BIGINT, kept as a string). */
export function parseId(id: string): string {
  if (!/^\d{1,19}$/.test(id)) throw new BadRequestException('id must be a positive whole number');
  return id;
}
