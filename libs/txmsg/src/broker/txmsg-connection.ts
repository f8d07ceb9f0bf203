import { RabbitMQModule } from '@golevelup/nestjs-rabbitmq';
import type { ModulesContainer } from '@nestjs/core';

/** The name of the library's connection among golevelup's (a host's own is `default`). */
export const TXMSG_CONNECTION = 'txmsg';

/** The handler configuration the library's subscriptions name, which its connection registers. */
export const TXMSG_HANDLERS = 'txmsg';

/**
 * The default handler configuration of the library's connection when the host has a connection
 * of its own: no such configuration exists, so golevelup registers no host subscription on it.
 */
export const NO_HOST_HANDLERS = 'txmsg.host-handlers-elsewhere';

/**
 * Whether the application imports a RabbitMQModule of its own beside the one TxMsgModule
 * configures (each is a module instance of golevelup's class).
 */
export function hostHasRabbitMQ(modules: ModulesContainer): boolean {
  return [...modules.values()].filter((moduleRef) => moduleRef.metatype === RabbitMQModule).length > 1;
}
