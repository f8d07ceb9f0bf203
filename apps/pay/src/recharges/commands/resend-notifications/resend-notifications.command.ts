import { Command } from '@nestjs/cqrs';

/** What was sent again: one MQ message, and how many webhooks were rescheduled for now. */
export interface ResentNotifications {
  txNo: string;
  mq: number;
  webhooks: number;
}

/** Sends a recharge's result notifications again now (MQ and webhooks); 404 for an unknown txNo. */
export class ResendNotificationsCommand extends Command<ResentNotifications> {
  constructor(readonly txNo: string) {
    super();
  }
}
