import { bootstrapService, insertUnlessDuplicate, runSql } from '@app/common';
import { AmqpConnection, RabbitSubscribe } from '@golevelup/nestjs-rabbitmq';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { type DynamicModule, Injectable, Module } from '@nestjs/common';
import { Account } from '../../../apps/bank2/src/accounts/entities/account.entity';
import { type Bank2Config, loadBank2Config } from '../../../apps/bank2/src/bank2.config';
import { IncomingTransfer } from '../../../apps/bank2/src/transfers/entities/incoming-transfer.entity';
import { NAIVE_CREDITED, NAIVE_EXCHANGE, NAIVE_STARTED, type NaiveTransfer, naiveInfrastructure } from './naive-common';

/**
 * The same statements as bank2's credit (on PostgreSQL its INSERT skips a duplicate by ON
 * CONFLICT, as bank2's does), no dedup, and a plain publish of the reply after the commit.
 */
@Injectable()
class NaiveCreditConsumer {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly amqp: AmqpConnection,
  ) {}

  @RabbitSubscribe({ exchange: NAIVE_EXCHANGE, routingKey: NAIVE_STARTED, queue: 'naive-bank2.credit' })
  async credit({ txNo, fromAccountNo, toAccountNo, amount }: NaiveTransfer): Promise<void> {
    await this.txHost.withTransaction(async () => {
      await insertUnlessDuplicate(
        this.txHost.tx,
        `INSERT INTO incoming_transfer (tx_no, from_account_no, to_account_no, amount, status)
         VALUES (?, ?, ?, CAST(? AS DECIMAL(18,2)), 'CREDITED')`,
        [txNo, fromAccountNo, toAccountNo, amount],
        'tx_no',
      );
      await runSql(
        this.txHost.tx,
        'UPDATE account_info SET balance = balance + CAST(? AS DECIMAL(18,2)) WHERE account_no = ?',
        [amount, toAccountNo],
      );
    });
    await this.amqp.publish(NAIVE_EXCHANGE, NAIVE_CREDITED, { txNo }, { persistent: true });
  }
}

@Module({})
class NaiveBank2Module {
  static forRoot(config: Bank2Config): DynamicModule {
    return {
      module: NaiveBank2Module,
      imports: naiveInfrastructure(config, [Account, IncomingTransfer]),
      providers: [NaiveCreditConsumer],
    };
  }
}

void bootstrapService({
  name: 'naive-bank2',
  loadConfig: loadBank2Config,
  rootModule: (config) => NaiveBank2Module.forRoot(config),
});
