import type { Type } from '@nestjs/common';
import { TRANSACTIONAL_LISTENER } from '../txmsg.constants';
import type { LocalTransactionListener } from './local-transaction-listener';
import type { TransactionalListenerOptions } from './transactional-listener.decorator';

/** A listener of any payload and arg: what `sendMessageInTransaction` accepts as a class. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any listener, whatever its types
export type AnyListener = LocalTransactionListener<any, any>;

/** The message payload a listener class handles. */
export type PayloadOf<L> = L extends LocalTransactionListener<infer T, unknown> ? T : never;

/** The `arg` a listener class's `execute` takes. */
export type ArgOf<L> = L extends LocalTransactionListener<unknown, infer A> ? A : never;

/** The producer group of a {@link TransactionalListener} class. @throws Error when it is not one. */
export function groupOf(listener: Type<AnyListener>): string {
  const options: TransactionalListenerOptions | undefined = Reflect.getMetadata(TRANSACTIONAL_LISTENER, listener);
  if (!options) throw new Error(`${listener.name} is not decorated with @TransactionalListener({ group })`);
  return options.group;
}
