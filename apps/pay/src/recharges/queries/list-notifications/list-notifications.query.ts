import type { NotificationRecord } from '@txmsg/nestjs';
import { Query } from '@nestjs/cqrs';

/** A recharge's webhook notifications with every delivery attempt. */
export interface RechargeNotifications {
  txNo: string;
  notifications: NotificationRecord[];
}

/** Lists the webhook notifications of a recharge (none for MQ-only receivers); 404 for an unknown txNo. */
export class ListNotificationsQuery extends Query<RechargeNotifications> {
  constructor(readonly txNo: string) {
    super();
  }
}
