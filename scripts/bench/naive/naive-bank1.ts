import { affectedRows, bootstrapService, RateLimited, RateLimitModule, runSql } from '@app/common';
import { AmqpConnection, RabbitSubscribe } from '@golevelup/nestjs-rabbitmq';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import {
  Body,
  Controller,
  type DynamicModule,
  HttpCode,
  HttpStatus,
  Injectable,
  Module,
  Post,
  UnprocessableEntityException,
} from '@nestjs/common';
import { CommandBus, CommandHandler, CqrsModule, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { Account } from '../../../apps/bank1/src/accounts/entities/account.entity';
import { type Bank1Config, loadBank1Config } from '../../../apps/bank1/src/bank1.config';
import {
  StartTransferCommand,
  type TransferAccepted,
} from '../../../apps/bank1/src/transfers/commands/start-transfer/start-transfer.command';
import { toTransferRequest } from '../../../apps/bank1/src/transfers/commands/start-transfer/transfer-request';
import { StartTransferDto } from '../../../apps/bank1/src/transfers/dto/start-transfer.dto';
import { Transfer } from '../../../apps/bank1/src/transfers/entities/transfer.entity';
import { NAIVE_CREDITED, NAIVE_EXCHANGE, NAIVE_STARTED, type NaiveTransfer, naiveInfrastructure } from './naive-common';

@Controller('transfers')
class NaiveTransfersController {
  constructor(private readonly commandBus: CommandBus) {}

  // Rate limited as bank1's route is: the twin keeps bank1's HTTP stack, so the comparison counts
  // only what reliability adds.
  @Post()
  @RateLimited()
  @HttpCode(HttpStatus.ACCEPTED)
  start(@Body() body: StartTransferDto): Promise<TransferAccepted> {
    return this.commandBus.execute(new StartTransferCommand(body.fromAccountNo, body.toAccountNo, body.amount));
  }
}

/** The same statements as bank1's local transaction, then a plain publish after the commit. */
@CommandHandler(StartTransferCommand)
class NaiveStartTransferHandler implements ICommandHandler<StartTransferCommand, TransferAccepted> {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly amqp: AmqpConnection,
  ) {}

  async execute(command: StartTransferCommand): Promise<TransferAccepted> {
    const { fromAccountNo, toAccountNo, amount } = toTransferRequest(command);
    const transfer: NaiveTransfer = { txNo: randomUUID(), fromAccountNo, toAccountNo, amount };
    await this.txHost.withTransaction(async () => {
      await runSql(
        this.txHost.tx,
        `INSERT INTO transfer (tx_no, from_account_no, to_account_no, amount, status)
         VALUES (?, ?, ?, CAST(? AS DECIMAL(18,2)), 'PENDING')`,
        [transfer.txNo, fromAccountNo, toAccountNo, amount],
      );
      const debited = await runSql(
        this.txHost.tx,
        `UPDATE account_info SET balance = balance - CAST(? AS DECIMAL(18,2))
          WHERE account_no = ? AND balance >= CAST(? AS DECIMAL(18,2))`,
        [amount, fromAccountNo, amount],
      );
      if (affectedRows(debited) !== 1) throw new UnprocessableEntityException(`account ${fromAccountNo} cannot pay`);
    });
    await this.amqp.publish(NAIVE_EXCHANGE, NAIVE_STARTED, transfer, { persistent: true, messageId: transfer.txNo });
    return { txNo: transfer.txNo, status: 'PENDING' };
  }
}

@Injectable()
class NaiveCompleteConsumer {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  @RabbitSubscribe({ exchange: NAIVE_EXCHANGE, routingKey: NAIVE_CREDITED, queue: 'naive-bank1.complete' })
  async complete({ txNo }: { txNo: string }): Promise<void> {
    await this.txHost.withTransaction(() =>
      runSql(this.txHost.tx, `UPDATE transfer SET status = 'COMPLETED' WHERE tx_no = ? AND status = 'PENDING'`, [txNo]),
    );
  }
}

@Module({})
class NaiveBank1Module {
  static forRoot(config: Bank1Config): DynamicModule {
    return {
      module: NaiveBank1Module,
      imports: [
        ...naiveInfrastructure(config, [Account, Transfer]),
        CqrsModule.forRoot(),
        RateLimitModule.forRoot(config.rateLimit),
      ],
      controllers: [NaiveTransfersController],
      providers: [NaiveStartTransferHandler, NaiveCompleteConsumer],
    };
  }
}

void bootstrapService({
  name: 'naive-bank1',
  loadConfig: loadBank1Config,
  rootModule: (config) => NaiveBank1Module.forRoot(config),
});
