/** Marks a subscription whose queue is named at bootstrap, from the service and the consumer name. */
export const DEFAULT_QUEUE = Symbol('txmsg.default-queue');

/** The queue of a consumer that names none: `<service>.<consumer>`, e.g. `bank2.CreditOnTransferStartedConsumer.handle`. */
export function defaultQueueName(service: string, consumer: string): string {
  return `${service}.${consumer}`;
}
