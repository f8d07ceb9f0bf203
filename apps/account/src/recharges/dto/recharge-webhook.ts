import { Equals, IsObject, IsString, Length } from 'class-validator';

/** Event type of pay's result notification. */
export const RECHARGE_COMPLETED = 'pay.recharge.completed';

/**
 * Body of pay's signed webhook: the notifier's envelope around pay's record. `data` is validated
 * on its own as a PayRechargeResult, so a refusal names each bad field.
 */
export class RechargeWebhookBody {
  @IsString()
  @Length(1, 64)
  id: string;

  @Equals(RECHARGE_COMPLETED, { message: `type must be "${RECHARGE_COMPLETED}"` })
  type: string;

  @IsObject()
  data: unknown;
}
