import type { TxMsgModuleOptions } from '@txmsg/nestjs';
import type { ServiceConfig } from './service.config';

/** The library's options from the shared service configuration. */
export function txMsgOptions(config: ServiceConfig): TxMsgModuleOptions {
  return {
    service: config.service,
    broker: { uri: config.rabbitUrl, connectTimeoutMs: config.startupWaitMs, queueType: config.queueType },
    retry: { ladderMs: config.retryLadderMs },
    relay: { ...config.relay },
    consumer: config.consumer,
    check: config.check,
    adminToken: config.adminToken,
    crashPoint: config.crashPoint,
  };
}
