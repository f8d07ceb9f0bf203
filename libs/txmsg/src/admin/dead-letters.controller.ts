import { Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { DeadLetterQueues } from '../broker/dead-letter-queues';
import { parseLimit } from './admin-params';
import { AdminTokenGuard } from './admin-token.guard';

/** Admin API over the broker's dead letters: what RabbitMQ parked under each subscribed queue. */
@Controller('txmsg/dead-letters')
@UseGuards(AdminTokenGuard)
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLetterQueues) {}

  /** `GET /txmsg/dead-letters` — the broker-side parking queue of each subscribed queue, with its message count. */
  @Get()
  list() {
    return this.deadLetters.list();
  }

  /** `POST /txmsg/dead-letters/:queue/requeue?limit=100` — moves dead-lettered messages back to their queue. */
  @Post(':queue/requeue')
  @HttpCode(200)
  async requeue(@Param('queue') queue: string, @Query('limit') limit?: string) {
    return { requeued: await this.deadLetters.requeue(queue, parseLimit(limit)) };
  }
}
