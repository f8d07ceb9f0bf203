import { ApiErrors, ApiTxNoParam, parseAmount, RateLimited, TxNoPipe } from '@app/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AdminTokenGuard } from '@txmsg/nestjs';
import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type Decimal from 'decimal.js';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { RecordRechargeCommand } from './commands/record-recharge/record-recharge.command';
import {
  ResendNotificationsCommand,
  type ResentNotifications,
} from './commands/resend-notifications/resend-notifications.command';
import { CreateRechargeDto } from './dto/create-recharge.dto';
import { LIST_LIMIT_DEFAULT, ListRechargesDto } from './dto/list-recharges.dto';
import {
  RechargeNotificationsDto,
  RechargePageDto,
  RechargeRecordDto,
  ResentNotificationsDto,
} from './dto/recharge-views.dto';
import { GetRechargeQuery } from './queries/get-recharge/get-recharge.query';
import {
  ListNotificationsQuery,
  type RechargeNotifications,
} from './queries/list-notifications/list-notifications.query';
import { ListRechargesQuery, type RechargePage } from './queries/list-recharges/list-recharges.query';
import type { RechargeRecord } from './recharge-record';

@ApiTags('recharges')
@Controller('recharges')
export class RechargesController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
  ) {}

  /** 201 with the new record, or 200 with the stored one when the txNo was seen before. */
  @Post()
  @RateLimited()
  @ApiCreatedResponse({ type: RechargeRecordDto, description: 'Recorded now.' })
  @ApiOkResponse({ type: RechargeRecordDto, description: 'The stored record: this txNo was seen before.' })
  @ApiErrors(400, 409, 413, 422, 429)
  async create(
    @Body() body: CreateRechargeDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<RechargeRecord> {
    const amount = (parseAmount(body.amount) as { amount: Decimal }).amount; // validated by the DTO
    const command = new RecordRechargeCommand(body.txNo ?? randomUUID(), body.accountNo, amount, body.notifyUrl);
    const { record, created } = await this.commandBus.execute(command);
    response.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return record;
  }

  /**
   * Results in commit order after `after`: what a receiver pulls to find results it was never told
   * of. It lists every recharge of every account, so it takes the admin token (TXMSG_ADMIN_TOKEN).
   */
  @Get()
  @UseGuards(AdminTokenGuard)
  @ApiBearerAuth('admin')
  @ApiOkResponse({ type: RechargePageDto })
  @ApiErrors(400, 401)
  list(@Query() query: ListRechargesDto): Promise<RechargePage> {
    return this.queryBus.execute(
      new ListRechargesQuery(query.after, query.limit ?? LIST_LIMIT_DEFAULT, query.accountNo),
    );
  }

  /** The result query API: open, since a receiver that knows a txNo reconciles it without a token. */
  @Get(':txNo')
  @ApiOkResponse({ type: RechargeRecordDto })
  @ApiErrors(400, 404)
  @ApiTxNoParam()
  get(@Param('txNo', new TxNoPipe()) txNo: string): Promise<RechargeRecord> {
    return this.queryBus.execute(new GetRechargeQuery(txNo));
  }

  /** The webhook attempt log, an operator's view of where pay sends: it takes the admin token (TXMSG_ADMIN_TOKEN). */
  @Get(':txNo/notifications')
  @UseGuards(AdminTokenGuard)
  @ApiBearerAuth('admin')
  @ApiOkResponse({ type: RechargeNotificationsDto })
  @ApiErrors(400, 401, 404)
  @ApiTxNoParam()
  notifications(@Param('txNo', new TxNoPipe()) txNo: string): Promise<RechargeNotifications> {
    return this.queryBus.execute(new ListNotificationsQuery(txNo));
  }

  /** An operator action: it sends messages and webhooks again, so it takes the admin token (TXMSG_ADMIN_TOKEN). */
  @Post(':txNo/notify')
  @UseGuards(AdminTokenGuard)
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiBearerAuth('admin')
  @ApiAcceptedResponse({ type: ResentNotificationsDto })
  @ApiErrors(400, 401, 404)
  @ApiTxNoParam()
  resend(@Param('txNo', new TxNoPipe()) txNo: string): Promise<ResentNotifications> {
    return this.commandBus.execute(new ResendNotificationsCommand(txNo));
  }
}
