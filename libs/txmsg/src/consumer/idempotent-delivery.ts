import type { Context } from '@opentelemetry/api';
import type { ConsumeMessage } from 'amqplib';
import type { MessageEnvelope } from '../envelope';
import type { ResolvedOrderedOptions } from '../ordering/ordered-options';
import type { OrderingPosition } from '../ordering/ordering-headers';
import type { FailedDelivery } from './failed-delivery';

/** One delivery to an {@link Idempotent} handler. */
export interface IdempotentDelivery {
  consumer: string;
  queue: string | undefined;
  /** The routing keys (topic patterns) its subscription binds; a signed message must have been signed for one. */
  routingKeys?: string[];
  payload: unknown;
  message: ConsumeMessage;
  key?: (payload: unknown, envelope: MessageEnvelope) => string;
  invoke: () => Promise<unknown>;
  /** Set for an ordered consumer. */
  ordered?: ResolvedOrderedOptions;
}

/** A delivery with its dedup key, ready to be applied. */
export interface Claimed {
  delivery: IdempotentDelivery;
  key: string;
  failed: FailedDelivery;
  /** The context of its consume span, for its handler (undefined when untraced). */
  trace?: Context;
  /** Where it stands in its key's stream, for an ordered consumer and a message with an ordering key. */
  position?: OrderingPosition;
}
