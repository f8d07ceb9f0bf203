import { Controller, HttpCode, HttpStatus, Post, Req, type RawBodyRequest } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Request } from 'express';
import {
  ReceiveRechargeWebhookCommand,
  type WebhookAnswer,
} from './commands/receive-recharge-webhook/receive-recharge-webhook.command';
import { RECHARGE_WEBHOOK_PATH } from './pay/recharge-submitter';

/** pay's signed webhooks (external receivers, over HTTP). The signature covers the raw body, so the body is taken as received. */
@Controller()
export class NotificationsController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(RECHARGE_WEBHOOK_PATH)
  @HttpCode(HttpStatus.OK)
  recharge(@Req() request: RawBodyRequest<Request>): Promise<WebhookAnswer> {
    return this.commandBus.execute(new ReceiveRechargeWebhookCommand(request.headers, request.rawBody));
  }
}
