import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CommandHandlers } from './commands';
import { Recharge } from './entities/recharge.entity';
import { RechargeSequencer } from './listing/recharge-sequencer';
import { QueryHandlers } from './queries';
import { RechargesController } from './recharges.controller';

/** Recharges: perform once per txNo, notify the result over MQ and signed webhooks, answer queries and list results in commit order. */
@Module({
  imports: [TypeOrmModule.forFeature([Recharge])],
  controllers: [RechargesController],
  providers: [...CommandHandlers, ...QueryHandlers, RechargeSequencer],
})
export class RechargesModule {}
