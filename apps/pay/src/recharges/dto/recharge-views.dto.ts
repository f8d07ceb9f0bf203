import { ApiProperty } from '@nestjs/swagger';
import type { NotificationAttempt, NotificationRecord, NotificationStatus } from '@txmsg/nestjs';
import type { ResentNotifications } from '../commands/resend-notifications/resend-notifications.command';
import type { RechargeNotifications } from '../queries/list-notifications/list-notifications.query';
import type { RechargePage } from '../queries/list-recharges/list-recharges.query';
import type { RechargeRecord, RechargeResult } from '../recharge-record';

/** The OpenAPI shape of a {@link RechargeRecord}. */
export class RechargeRecordDto implements RechargeRecord {
  @ApiProperty({ example: 'tx-20261202-0001' })
  txNo: string;

  @ApiProperty({ example: '6222020000000001' })
  accountNo: string;

  @ApiProperty({ description: 'Decimal string with 2 fraction digits.', example: '100.00' })
  amount: string;

  @ApiProperty({ enum: ['success', 'fail'] })
  result: RechargeResult;
}

/** The OpenAPI shape of a {@link RechargePage}. */
export class RechargePageDto implements RechargePage {
  @ApiProperty({ type: [RechargeRecordDto] })
  results: RechargeRecordDto[];

  @ApiProperty({ description: 'Give it back as `after` for the next page.' })
  nextCursor: string;

  @ApiProperty({ description: 'More results were committed after this page when it was read.' })
  hasMore: boolean;
}

class NotificationAttemptDto implements NotificationAttempt {
  @ApiProperty()
  attempt: number;

  @ApiProperty()
  at: Date;

  @ApiProperty({ type: Number, nullable: true, description: "The receiver's HTTP status; null when none came." })
  statusCode: number | null;

  @ApiProperty({ type: String, nullable: true, description: 'Why the attempt failed; null when delivered.' })
  error: NotificationAttempt['error'];

  @ApiProperty()
  durationMs: number;
}

class NotificationRecordDto implements NotificationRecord {
  @ApiProperty()
  id: string;

  @ApiProperty({ type: String, nullable: true })
  subject: string | null;

  @ApiProperty({ example: 'pay.recharge.completed' })
  type: string;

  @ApiProperty({
    description: 'The receiver URL; user name, password, query string and fragment never shown.',
    example: 'https://shop.example.com/notify?[redacted]',
  })
  url: string;

  @ApiProperty({ enum: ['PENDING', 'DELIVERED', 'FAILED'] })
  status: NotificationStatus;

  @ApiProperty({ type: [NotificationAttemptDto] })
  attempts: NotificationAttemptDto[];

  @ApiProperty({ type: Date, nullable: true })
  nextAttemptAt: Date | null;

  @ApiProperty()
  createdAt: Date;

  @ApiProperty({ type: Date, nullable: true })
  finishedAt: Date | null;
}

/** The OpenAPI shape of a recharge's {@link RechargeNotifications}. */
export class RechargeNotificationsDto implements RechargeNotifications {
  @ApiProperty()
  txNo: string;

  @ApiProperty({ type: [NotificationRecordDto] })
  notifications: NotificationRecordDto[];
}

/** The OpenAPI shape of {@link ResentNotifications}. */
export class ResentNotificationsDto implements ResentNotifications {
  @ApiProperty()
  txNo: string;

  @ApiProperty({ description: 'MQ messages sent again.' })
  mq: number;

  @ApiProperty({ description: 'Webhooks due again now.' })
  webhooks: number;
}
