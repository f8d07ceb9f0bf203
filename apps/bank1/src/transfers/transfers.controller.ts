import { ApiErrors, ApiTxNoParam, IdempotencyKeyHeader, RateLimited, TxNoPipe } from '@app/common';
import { ApiAcceptedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { CancelTransferCommand, type TransferCancelled } from './commands/cancel-transfer/cancel-transfer.command';
import { ScheduleTransferCommand } from './commands/schedule-transfer/schedule-transfer.command';
import { StartTransferCommand, type TransferAccepted } from './commands/start-transfer/start-transfer.command';
import { StartTransferDto } from './dto/start-transfer.dto';
import { TransferAcceptedDto, TransferCancelledDto, TransferViewDto } from './dto/transfer-views.dto';
import { TRANSFER_IDEMPOTENCY_KEY, TRANSFER_NO } from './transfer-formats';
import { GetTransferQuery, type TransferView } from './queries/get-transfer/get-transfer.query';

@ApiTags('transfers')
@Controller('transfers')
export class TransfersController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
  ) {}

  /**
   * 202: debited and on its way to bank2 (at `executeAt`, if given); `GET /transfers/:txNo`
   * follows it.
   */
  @Post()
  @RateLimited()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({ type: TransferAcceptedDto, description: 'Debited; on its way to bank2.' })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'A repeat with the same key answers the first result and moves no money.',
  })
  @ApiErrors(400, 404, 413, 422, 429)
  start(
    @Body() body: StartTransferDto,
    @IdempotencyKeyHeader(TRANSFER_IDEMPOTENCY_KEY) idempotencyKey?: string,
  ): Promise<TransferAccepted> {
    const { fromAccountNo, toAccountNo, amount, executeAt } = body;
    return this.commandBus.execute(
      executeAt === undefined
        ? new StartTransferCommand(fromAccountNo, toAccountNo, amount, idempotencyKey)
        : new ScheduleTransferCommand(fromAccountNo, toAccountNo, amount, executeAt, idempotencyKey),
    );
  }

  /** 200: a scheduled transfer not yet sent is cancelled and its amount given back. */
  @Post(':txNo/cancel')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: TransferCancelledDto, description: 'Cancelled; the amount is back on the source account.' })
  @ApiTxNoParam(TRANSFER_NO)
  @ApiErrors(400, 404, 409)
  cancel(@Param('txNo', new TxNoPipe(TRANSFER_NO)) txNo: string): Promise<TransferCancelled> {
    return this.commandBus.execute(new CancelTransferCommand(txNo));
  }

  @Get(':txNo')
  @ApiOkResponse({ type: TransferViewDto })
  @ApiTxNoParam(TRANSFER_NO)
  @ApiErrors(400, 404)
  get(@Param('txNo', new TxNoPipe(TRANSFER_NO)) txNo: string): Promise<TransferView> {
    return this.queryBus.execute(new GetTransferQuery(txNo));
  }
}
