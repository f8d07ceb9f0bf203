import {
  getHandlerForLegacyBehavior,
  MessageHandlerErrorBehavior,
  type MessageErrorHandler,
  type RabbitHandlerConfig,
} from '@golevelup/nestjs-rabbitmq';
import type { Logger } from '@nestjs/common';
import { errorText } from '../support/error-text';

/**
 * The error handler of a subscription: its own (handler or behaviour) if it has one, else the
 * library's — back to the queue while the application stops, otherwise rejected so the broker
 * dead-letters it to the parking queue. Settling never crashes the process: when the channel
 * closed while the handler ran, the ack and then the nack throw; that is logged, and the broker
 * redelivers the unacknowledged message.
 */
export function settleSafely(
  subscription: RabbitHandlerConfig,
  isStopping: () => boolean,
  logger: Logger,
): MessageErrorHandler {
  const own =
    subscription.errorHandler ??
    (subscription.errorBehavior && getHandlerForLegacyBehavior(subscription.errorBehavior));
  const requeue = getHandlerForLegacyBehavior(MessageHandlerErrorBehavior.REQUEUE);
  const park = getHandlerForLegacyBehavior(MessageHandlerErrorBehavior.NACK);
  const where = subscription.queue || subscription.routingKey;
  return async (channel, message, error) => {
    const id = (Array.isArray(message) ? message[0] : message)?.properties.messageId ?? '(no id)';
    try {
      if (own) return await own(channel, message, error);
      if (isStopping()) {
        logger.warn(
          `handler of ${where} failed on message ${id} while stopping; back to the queue: ${errorText(error)}`,
        );
        return await requeue(channel, message, error);
      }
      logger.error(
        `handler of ${where} failed on message ${id}; dead-lettered to its parking queue: ${errorText(error)}`,
      );
      await park(channel, message, error);
    } catch (settleError) {
      logger.warn(
        `message ${id} on ${where} could not be settled (${errorText(settleError)}); the broker will deliver it again`,
      );
    }
  };
}
