import type { TxMsgCheckOptions } from '../options/check-options';
import type { TxMsgMessageOptions } from '../options/message-options';
import type { TxMsgRetryOptions } from '../options/retry-options';
import { assertValid, type ResolvedTxMsgOptions, withDefaults } from '../txmsg.options';

/** Options of {@link TxMsgTestingModule.forRoot}; each has a default, so `forRoot()` needs none. */
export interface TxMsgTestingOptions {
  /** The service messages are sent from (their `appId`). Default `test`. */
  service?: string;
  /** The exchange messages are published to and handlers subscribe to by default. Default `txmsg.events`. */
  exchange?: string;
  /**
   * The module's retry ladder, for consumers without a policy of their own; as TxMsgModule's
   * `retry`. Its delays are never waited for: `drain()` takes them as elapsed. Its length counts
   * (the attempts before a message is parked). Default: TxMsgModule's ladder (8 steps).
   */
  retry?: Pick<TxMsgRetryOptions, 'ladderMs'>;
  /** Size and nesting limits of messages, as TxMsgModule's `messages`. */
  messages?: Pick<TxMsgMessageOptions, 'maxBytes' | 'maxDepth'>;
  /** Check-back of transactional messages left UNKNOWN: how many checks before one is discarded. Default 15. */
  check?: Pick<TxMsgCheckOptions, 'maxChecks'>;
  /**
   * What `TransactionHost.tx` is, inside a transaction and out: a fake of the client the
   * application's code uses (a TypeORM `EntityManager`, say). Default: a stub whose every method
   * throws, saying to give one.
   */
  tx?: object;
}

/** TxMsgModule's options for the testing module: no broker or database is ever reached. */
export function testingOptionsOf(options: TxMsgTestingOptions): ResolvedTxMsgOptions {
  const resolved = withDefaults({
    service: options.service ?? 'test',
    // Never connected to: it only satisfies the options' shape.
    broker: { uri: 'amqp://in-memory', ...(options.exchange !== undefined && { exchange: options.exchange }) },
    retry: options.retry,
    messages: options.messages,
    check: options.check,
    // One delivery per transaction: the harness delivers one message at a time.
    consumer: { maxBatch: 1 },
    relay: { dispatchOnCommit: false },
  });
  assertValid(resolved);
  return resolved;
}
