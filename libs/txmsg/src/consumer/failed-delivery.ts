import type { ConsumeMessage } from 'amqplib';
import type { MessageEnvelope } from '../envelope';
import type { ParkReason } from './failed-message';

/** Where a failed delivery came from. */
export interface FailedDelivery {
  consumer: string;
  queue: string | undefined;
  message: ConsumeMessage;
  envelope: MessageEnvelope;
}

/** What {@link FailureRecorder.recordFailure} decided. */
export type FailureOutcome = { retryInMs: number; attempts: number } | { parked: ParkReason; attempts: number };
