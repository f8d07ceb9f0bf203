import { Controller, HttpCode, HttpStatus, Post, Req, type RawBodyRequest } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiErrors } from '@app/common';
import { ApiBody, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import {
  ReceiveRechargeWebhookCommand,
  type WebhookAnswer,
} from './commands/receive-recharge-webhook/receive-recharge-webhook.command';
import { WebhookAnswerDto } from './dto/recharge-views.dto';
import { RechargeWebhookBody } from './dto/recharge-webhook';
import { RECHARGE_WEBHOOK_PATH } from './pay/recharge-submitter';

/** pay's signed webhooks (external receivers, over HTTP). The signature covers the raw body, so the body is taken as received. */
@ApiTags('notifications')
@Controller()
export class NotificationsController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(RECHARGE_WEBHOOK_PATH)
  @HttpCode(HttpStatus.OK)
  @ApiBody({ type: RechargeWebhookBody })
  @ApiHeader({ name: 'webhook-id', required: true })
  @ApiHeader({
    name: 'webhook-timestamp',
    required: true,
    description: 'Unix seconds; refused more than 5 minutes away.',
  })
  @ApiHeader({ name: 'webhook-signature', required: true, description: 'Standard Webhooks signature of the raw body.' })
  @ApiOkResponse({ type: WebhookAnswerDto })
  @ApiErrors(400, 401, 413, 422, 503)
  recharge(@Req() request: RawBodyRequest<Request>): Promise<WebhookAnswer> {
    return this.commandBus.execute(new ReceiveRechargeWebhookCommand(request.headers, request.rawBody));
  }
}
