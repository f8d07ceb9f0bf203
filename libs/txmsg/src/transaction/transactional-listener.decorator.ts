import { applyDecorators, Injectable, SetMetadata } from '@nestjs/common';
import { TRANSACTIONAL_LISTENER } from '../txmsg.constants';

/** Options of {@link TransactionalListener}. */
export interface TransactionalListenerOptions {
  /** Producer group, the first argument of `sendMessageInTransaction`. Unique per service. */
  group: string;
}

/**
 * Registers a provider as the local-transaction listener of a producer group (RocketMQ's
 * `@RocketMQTransactionListener`). The class implements {@link LocalTransactionListener} and must
 * be listed in a module's providers.
 */
export function TransactionalListener(options: TransactionalListenerOptions): ClassDecorator {
  return applyDecorators(Injectable(), SetMetadata(TRANSACTIONAL_LISTENER, options));
}
