import { ApiProperty } from '@nestjs/swagger';
import { Equals, IsObject, IsString, Length } from 'class-validator';

/** Event type of pay's result notification. */
export const RECHARGE_COMPLETED = 'pay.recharge.completed';

/**
 * Body of pay's signed webhook: the notifier's envelope around pay's record. `data` is validated
 * on its own as a PayRechargeResult, so a refusal names each bad field.
 */
export class RechargeWebhookBody {
  @ApiProperty({ minLength: 1, maxLength: 64, description: 'The webhook id; equals the webhook-id header.' })
  @IsString()
  @Length(1, 64)
  id: string;

  @ApiProperty({ enum: [RECHARGE_COMPLETED] })
  @Equals(RECHARGE_COMPLETED, { message: `type must be "${RECHARGE_COMPLETED}"` })
  type: string;

  @ApiProperty({
    type: 'object',
    description: "pay's record of the recharge.",
    properties: {
      txNo: { type: 'string' },
      accountNo: { type: 'string' },
      amount: { type: 'string', description: 'Decimal string with 2 fraction digits.' },
      result: { type: 'string', enum: ['success', 'fail'] },
    },
    required: ['txNo', 'accountNo', 'amount', 'result'],
  })
  @IsObject()
  data: unknown;
}
