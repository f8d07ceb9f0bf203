import type { IncomingMessage } from 'node:http';
import { type DynamicModule, Module } from '@nestjs/common';
import { correlationIdOf } from '@txmsg/nestjs';
import { LoggerModule, type Params } from 'nestjs-pino';
import type { ServiceConfig } from '../config/service.config';
import { mergeTraceFields, traceFields } from './trace-fields';

/**
 * Structured JSON logs (pino) on stdout at LOG_LEVEL, one line per event, each tagged with the
 * service name. Request lines carry the request's one id — the caller's `x-request-id` or
 * `x-correlation-id`, else the trace id, the same id the messages sent in the request carry — and
 * every line logged in a traced span its `trace_id` and `span_id`; health probes are not logged.
 */
@Module({})
export class LoggingModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    return { module: LoggingModule, imports: [LoggerModule.forRoot(pinoParams(config))] };
  }
}

function pinoParams(config: ServiceConfig): Params {
  const options: Params['pinoHttp'] = {
    level: config.logLevel,
    base: { service: config.service, pid: process.pid },
    genReqId: (req: IncomingMessage) => correlationIdOf(req),
    mixin: traceFields,
    mixinMergeStrategy: mergeTraceFields,
    autoLogging: { ignore: (req: IncomingMessage) => req.url === '/health' },
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
    redact: ['req.headers.authorization', 'req.headers.cookie'],
  };
  // pino's default stream writes asynchronously, and what is in flight when the process exits (a
  // start-up failure, the end of a shutdown) is lost. process.stdout is synchronous for files,
  // pipes and terminals on Linux.
  return { pinoHttp: [options, process.stdout] };
}
