import { ApiProperty } from '@nestjs/swagger';
import type { AcceptedRecharge } from '../commands/create-recharge/create-recharge.command';
import type { WebhookAnswer } from '../commands/receive-recharge-webhook/receive-recharge-webhook.command';
import type { AppliedBy, RechargeStatus } from '../domain/recharge-state';
import type { RechargeView } from '../recharge-view';

const STATUS = { enum: ['PENDING', 'SUCCEEDED', 'FAILED'] };
const TX_NO = { description: 'Transaction number, shared with pay.', example: 'tx-20261202-0001' };

/** The OpenAPI shape of an {@link AcceptedRecharge}. */
export class AcceptedRechargeDto implements AcceptedRecharge {
  @ApiProperty(TX_NO)
  txNo: string;

  @ApiProperty(STATUS)
  status: RechargeStatus;
}

/** The OpenAPI shape of a {@link RechargeView}. */
export class RechargeViewDto implements RechargeView {
  @ApiProperty(TX_NO)
  txNo: string;

  @ApiProperty({ example: '6222020000000001' })
  accountNo: string;

  @ApiProperty({ description: 'Decimal string with 2 fraction digits.', example: '100.00' })
  amount: string;

  @ApiProperty(STATUS)
  status: RechargeStatus;

  @ApiProperty({
    enum: ['mq', 'webhook', 'reconcile', 'reconciler', 'deadline'],
    nullable: true,
    description: 'The path that applied the result; null while PENDING.',
  })
  appliedBy: AppliedBy | null;
}

/** The OpenAPI shape of a {@link WebhookAnswer}. */
export class WebhookAnswerDto implements WebhookAnswer {
  @ApiProperty({ enum: [true] })
  received: true;

  @ApiProperty({ description: 'This webhook changed the recharge.' })
  applied: boolean;

  @ApiProperty({ description: 'A webhook id seen before: answered without effect.' })
  replay: boolean;
}
