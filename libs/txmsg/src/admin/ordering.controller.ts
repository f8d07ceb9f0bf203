import { Body, Controller, Get, HttpCode, NotFoundException, Post, Query, UseGuards } from '@nestjs/common';
import { OrderingKeys } from '../ordering/ordering-keys';
import { parseKeyPart, parseLimit } from './admin-params';
import { ADMIN_DOCS as doc, adminApi } from './admin-api-docs';
import { BLOCKED_KEYS, SKIPPED_KEY } from './admin-schemas';
import { AdminTokenGuard } from './admin-token.guard';

/** The key a skip names. */
interface KeyRef {
  consumer?: unknown;
  source?: unknown;
  key?: unknown;
}

/**
 * Admin API over ordered consumers: the keys they wait on (a message of the key failing on the
 * ladder or parked, or a predecessor that has not arrived), and skipping what a key waits for so
 * the messages after it go on.
 */
@Controller('ordering')
@UseGuards(AdminTokenGuard)
@adminApi()
export class OrderingController {
  constructor(private readonly keys: OrderingKeys) {}

  /** `GET /txmsg/ordering/blocked?limit=100` — keys waiting, longest waiting first. */
  @Get('blocked')
  @doc.ok('Keys ordered consumers wait on, longest waiting first.', BLOCKED_KEYS)
  @doc.limit
  async blocked(@Query('limit') limit?: string) {
    return { items: await this.keys.blocked(parseLimit(limit)) };
  }

  /**
   * `POST /txmsg/ordering/skip` `{ consumer, source, key }` — gives up what the key waits for: the
   * failing message (it stays parked, requeueable: applied late should it ever be), or a gap no
   * message fills; the next held message then goes on.
   */
  @Post('skip')
  @HttpCode(200)
  @doc.ok('Where the key now stands.', SKIPPED_KEY)
  @doc.notFound('The consumer has no such key, or the key waits on nothing.')
  async skip(@Body() body: KeyRef = {}) {
    const consumer = parseKeyPart(body.consumer, 'consumer');
    const source = parseKeyPart(body.source, 'source');
    const key = parseKeyPart(body.key, 'key');
    const skipped = await this.keys.skip(consumer, source, key);
    if (skipped.outcome === 'unknown')
      throw new NotFoundException(`${consumer} has no ordering key "${key}" of ${source}`);
    if (skipped.outcome === 'waiting-on-nothing') {
      throw new NotFoundException(`${consumer} waits on nothing for "${key}" of ${source} (at #${skipped.lastSeq})`);
    }
    return { consumer, source, key, skippedTo: skipped.skippedTo };
  }
}
