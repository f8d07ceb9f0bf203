import { BadRequestException } from '@nestjs/common';
import { PARK_REASONS, type ParkReason } from '../consumer/failed-message';
import type { ParkedFilter } from '../consumer/failure-queries';

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

/** The query parameters that narrow failed messages: `consumer`, `reason`, `fingerprint`, `search`. */
export interface FailureFilterQuery {
  consumer?: unknown;
  reason?: unknown;
  fingerprint?: unknown;
  search?: unknown;
}

/**
 * The filter of `consumer`, `reason` (a park reason, in any case: `forged` is `FORGED`),
 * `fingerprint` (16 hex digits, or `none` for rows recorded before fingerprints were kept) and
 * `search` (1 to 500 characters); each given at most once.
 */
export function parseFailureFilter(query: FailureFilterQuery): ParkedFilter {
  const consumer = single('consumer', query.consumer, 191);
  const reason = single('reason', query.reason, 32)?.toUpperCase();
  const fingerprint = single('fingerprint', query.fingerprint, 16);
  const search = single('search', query.search, 500);
  if (reason !== undefined && !PARK_REASONS.includes(reason as ParkReason)) {
    throw new BadRequestException(`reason must be one of ${PARK_REASONS.join(', ')}`);
  }
  if (fingerprint !== undefined && fingerprint !== 'none' && !/^[0-9a-f]{16}$/.test(fingerprint)) {
    throw new BadRequestException('fingerprint must be 16 lowercase hex digits, or none');
  }
  return {
    ...(consumer === undefined ? {} : { consumer }),
    ...(reason === undefined ? {} : { reason }),
    ...(fingerprint === undefined ? {} : { fingerprint: fingerprint === 'none' ? null : fingerprint }),
    ...(search === undefined ? {} : { search }),
  };
}

/** A query parameter given once, as 1 to `max` characters, or not at all. */
function single(name: string, value: unknown, max: number): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    throw new BadRequestException(`${name} must be given once, as 1 to ${max} characters`);
  }
  return value;
}

/** A key's part from a request: a string of 1 to 191 characters, or a 400. */
export function parseKeyPart(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 191) {
    throw new BadRequestException(`${name} must be a string of 1 to 191 characters`);
  }
  return value;
}
