import { formatAmount } from '@app/common';
import { NotFoundException } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Transfer } from '../../entities/transfer.entity';
import { GetTransferQuery, type TransferView } from './get-transfer.query';

@QueryHandler(GetTransferQuery)
export class GetTransferHandler implements IQueryHandler<GetTransferQuery, TransferView> {
  constructor(@InjectRepository(Transfer) private readonly transfers: Repository<Transfer>) {}

  async execute({ txNo }: GetTransferQuery): Promise<TransferView> {
    const transfer = await this.transfers.findOneBy({ txNo });
    if (!transfer) throw new NotFoundException(`transfer ${txNo} not found`);
    const { fromAccountNo, toAccountNo, amount, status } = transfer;
    return { txNo, fromAccountNo, toAccountNo, amount: formatAmount(amount), status };
  }
}
