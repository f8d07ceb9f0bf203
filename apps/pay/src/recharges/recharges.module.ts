import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CommandHandlers } from './commands';
import { Recharge } from './entities/recharge.entity';
import { QueryHandlers } from './queries';
import { RechargesController } from './recharges.controller';

/** Recharges (seed 6.3): perform once per txNo, notify the result over MQ and signed webhooks, answer queries. */
@Module({
  imports: [TypeOrmModule.forFeature([Recharge])],
  controllers: [RechargesController],
  providers: [...CommandHandlers, ...QueryHandlers],
})
export class RechargesModule {}
