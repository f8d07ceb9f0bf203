import type { TxMsgModuleOptions } from '@txmsg/nestjs';
import type { ServiceConfig } from './service.config';

/**
 * The library's options from the shared service configuration. Every service serves the admin
 * API and the operator console behind its admin token (neither is mounted without one), and
 * `GET /metrics` (behind its own token, when set).
 */
export function txMsgOptions(config: ServiceConfig): TxMsgModuleOptions {
  return {
    service: config.service,
    broker: { uri: config.rabbitUrls, connectTimeoutMs: config.startupWaitMs, queueType: config.queueType },
    retry: { ladderMs: config.retryLadderMs },
    relay: { ...config.relay },
    consumer: config.consumer,
    check: config.check,
    messages: config.signing ? { signing: config.signing } : undefined,
    crashPoint: config.crashPoint,
    admin: { token: config.adminToken },
    console: true,
    metrics: { path: 'metrics', token: config.metricsToken },
  };
}
