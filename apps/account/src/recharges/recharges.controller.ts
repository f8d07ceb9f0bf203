import { ApiErrors, ApiTxNoParam, IdempotencyKeyHeader, parseAmount, RateLimited, TxNoPipe } from '@app/common';
import { ApiAcceptedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type Decimal from 'decimal.js';
import { type AcceptedRecharge, CreateRechargeCommand } from './commands/create-recharge/create-recharge.command';
import { ReconcileRechargeCommand } from './commands/reconcile-recharge/reconcile-recharge.command';
import { CreateRechargeDto } from './dto/create-recharge.dto';
import { AcceptedRechargeDto, RechargeViewDto } from './dto/recharge-views.dto';
import { GetRechargeQuery } from './queries/get-recharge/get-recharge.query';
import type { RechargeView } from './recharge-view';

@ApiTags('recharges')
@Controller('recharges')
export class RechargesController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
  ) {}

  /** 202: the recharge is recorded and pay asked; its result arrives later. */
  @Post()
  @RateLimited()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({ type: AcceptedRechargeDto, description: 'Recorded PENDING; pay is asked.' })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'A repeat with the same key answers the same recharge.',
  })
  @ApiErrors(400, 404, 409, 413, 429)
  create(@Body() body: CreateRechargeDto, @IdempotencyKeyHeader() idempotencyKey?: string): Promise<AcceptedRecharge> {
    const amount = (parseAmount(body.amount) as { amount: Decimal }).amount; // validated by the DTO
    return this.commandBus.execute(new CreateRechargeCommand(body.accountNo, amount, idempotencyKey));
  }

  @Get(':txNo')
  @ApiOkResponse({ type: RechargeViewDto })
  @ApiErrors(400, 404)
  @ApiTxNoParam()
  get(@Param('txNo', new TxNoPipe()) txNo: string): Promise<RechargeView> {
    return this.queryBus.execute(new GetRechargeQuery(txNo));
  }

  /** Rate limited: each call makes account ask pay. */
  @Post(':txNo/reconcile')
  @RateLimited()
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: RechargeViewDto, description: "The recharge after pay's answer was applied." })
  @ApiErrors(400, 404, 409, 429, 503)
  @ApiTxNoParam()
  reconcile(@Param('txNo', new TxNoPipe()) txNo: string): Promise<RechargeView> {
    return this.commandBus.execute(new ReconcileRechargeCommand(txNo, 'reconcile'));
  }
}
