import { Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { DeadLetterQueues } from '../broker/dead-letter-queues';
import { parseLimit } from './admin-params';
import { ADMIN_DOCS as doc, adminApi } from './admin-api-docs';
import { DEAD_LETTER_QUEUES } from './admin-schemas';
import { AdminTokenGuard } from './admin-token.guard';

/** Admin API over the broker's dead letters: what RabbitMQ parked under each subscribed queue. */
@Controller('dead-letters')
@UseGuards(AdminTokenGuard)
@adminApi()
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLetterQueues) {}

  /** `GET /txmsg/dead-letters` — the broker-side parking queue of each subscribed queue, with its message count. */
  @Get()
  @doc.ok('Each subscribed queue’s parking queue and its message count.', DEAD_LETTER_QUEUES)
  list() {
    return this.deadLetters.list();
  }

  /** `POST /txmsg/dead-letters/:queue/requeue?limit=100` — moves dead-lettered messages back to their queue. */
  @Post(':queue/requeue')
  @HttpCode(200)
  @doc.ok('How many went back to the queue.', doc.count('requeued'))
  @doc.notFound('Not a queue this application consumes with a parking queue.')
  @doc.limit
  async requeue(@Param('queue') queue: string, @Query('limit') limit?: string) {
    return { requeued: await this.deadLetters.requeue(queue, parseLimit(limit)) };
  }
}
