import type { TxMsgRuntimeOptions, TxMsgShapeOptions } from '@txmsg/nestjs';
import type { ServiceConfig } from './service.config';

/** The library's options from the shared service configuration. */
export function txMsgOptions(config: ServiceConfig): TxMsgRuntimeOptions {
  return {
    service: config.service,
    broker: { uri: config.rabbitUrls, connectTimeoutMs: config.startupWaitMs, queueType: config.queueType },
    retry: { ladderMs: config.retryLadderMs },
    relay: { ...config.relay },
    consumer: config.consumer,
    check: config.check,
    messages: config.signing ? { signing: config.signing } : undefined,
    crashPoint: config.crashPoint,
  };
}

/** Every service serves the library's admin API (behind its token) and `GET /metrics` (behind its own, when set). */
export function txMsgEndpoints(config: ServiceConfig): TxMsgShapeOptions {
  return { admin: { token: config.adminToken }, metrics: { path: 'metrics', token: config.metricsToken } };
}
