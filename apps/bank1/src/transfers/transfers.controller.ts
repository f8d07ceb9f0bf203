import { IdempotencyKeyHeader, RateLimited, TxNoPipe } from '@app/common';
import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { StartTransferCommand, type TransferAccepted } from './commands/start-transfer/start-transfer.command';
import { StartTransferDto } from './dto/start-transfer.dto';
import { TRANSFER_IDEMPOTENCY_KEY, TRANSFER_NO } from './transfer-formats';
import { GetTransferQuery, type TransferView } from './queries/get-transfer/get-transfer.query';

@Controller('transfers')
export class TransfersController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
  ) {}

  /** 202: debited and on its way to bank2; `GET /transfers/:txNo` follows it. */
  @Post()
  @RateLimited()
  @HttpCode(HttpStatus.ACCEPTED)
  start(
    @Body() body: StartTransferDto,
    @IdempotencyKeyHeader(TRANSFER_IDEMPOTENCY_KEY) idempotencyKey?: string,
  ): Promise<TransferAccepted> {
    return this.commandBus.execute(
      new StartTransferCommand(body.fromAccountNo, body.toAccountNo, body.amount, idempotencyKey),
    );
  }

  @Get(':txNo')
  get(@Param('txNo', new TxNoPipe(TRANSFER_NO)) txNo: string): Promise<TransferView> {
    return this.queryBus.execute(new GetTransferQuery(txNo));
  }
}
