import { ConsoleLogger, type DynamicModule, type INestApplication, Logger, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger as PinoLogger } from 'nestjs-pino';
import { ConfigError } from '../config/config-error';
import { errorText } from '../errors/error-text';
import type { ServiceConfig } from '../config/service.config';
import { ensureDatabase } from '../database/ensure-database';
import { withMigrationLock } from '../database/migration-lock';
import { HttpErrorFilter } from '../http/http-error.filter';
import { malformedJsonAsBadRequest, refuseDeepNesting, refusePrototypeKeys } from '../http/json-body-guard';
import { keepNumberSources } from '../http/json-number-sources';
import { applyServerTimeouts } from '../http/server-timeouts';
import { stopTelemetry } from '../telemetry/start-telemetry';
import { setupApiDocs } from './api-docs';
import { ensureBroker } from './ensure-broker';
import { StartupError } from './startup-error';

/** What `bootstrapService` needs to know about one service. */
export interface ServiceDefinition<C extends ServiceConfig> {
  /** Service name, for the log lines written before the configuration is known. */
  name: string;
  /** Reads and validates the environment (throws ConfigError). Runs before Nest starts. */
  loadConfig: () => C;
  /** The root module, built from the validated configuration. */
  rootModule: (config: C) => DynamicModule;
  /** Keep each request's body as received in `req.rawBody` (signed webhooks verify those bytes). */
  rawBody?: boolean;
}

/** Largest JSON body accepted; larger ones are answered 413. */
export const JSON_BODY_LIMIT = '16kb';
/**
 * How long a signalled shutdown may take before the process gives up and exits 1: the library's
 * drain of deliveries in flight (5 s by default) plus its workers' last round, well within the
 * 30 s an orchestrator such as Kubernetes waits before it kills.
 */
const SHUTDOWN_GRACE_MS = 20_000;

/**
 * Starts one service: validated configuration first, then bounded waits for MariaDB and
 * RabbitMQ, then Nest with JSON logs, validation, uniform errors, a small body limit and the
 * OpenAPI document at `/docs-json` (Swagger UI at `/docs`). Any start-up failure is one log line
 * and exit code 1; SIGTERM/SIGINT close the app and exit 0.
 */
export async function bootstrapService<C extends ServiceConfig>(definition: ServiceDefinition<C>): Promise<void> {
  // Until Nest's JSON logger takes over, plain uncoloured lines: a bad variable must read well
  // in a terminal and in a log file.
  Logger.overrideLogger(new ConsoleLogger({ colors: false }));
  const logger = new Logger(definition.name);
  try {
    const config = definition.loadConfig();
    await ensureDatabase(config.db, config.startupWaitMs);
    await ensureBroker(config.rabbitUrls, config.startupWaitMs);
    // Instances starting together on one database apply its migrations one after the other.
    const app = await withMigrationLock(config.db, config.startupWaitMs, () =>
      createApp(definition.rootModule(config), definition.rawBody ?? false),
    );
    closeOnSignals(app, logger);
    setupApiDocs(app, definition.name);
    applyServerTimeouts(app.getHttpServer(), config.httpRequestTimeoutMs);
    await listen(app, config);
    logger.log(`listening on http://${config.host}:${config.port}`);
  } catch (error) {
    Logger.flush(); // what Nest buffered before the failure comes first
    logger.error(startupFailure(error));
    process.exit(1);
  }
}

async function createApp(rootModule: DynamicModule, rawBody: boolean): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(rootModule, {
    rawBody,
    bufferLogs: true,
    abortOnError: false,
    bodyParser: false,
    forceCloseConnections: true,
  });
  app.useLogger(app.get(PinoLogger));
  app.flushLogs(); // Nest would hold them until listen() succeeds
  app.disable('x-powered-by');
  // Amounts are judged by the text the client wrote, not by the double JSON.parse makes of it.
  app.useBodyParser('json', { limit: JSON_BODY_LIMIT, reviver: keepNumberSources });
  app.use(malformedJsonAsBadRequest, refuseDeepNesting, refusePrototypeKeys);
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  app.useGlobalFilters(new HttpErrorFilter());
  return app;
}

async function listen(app: INestApplication, config: ServiceConfig): Promise<void> {
  try {
    await app.listen(config.port, config.host);
  } catch (error) {
    if ((error as { code?: string }).code !== 'EADDRINUSE') throw error;
    throw new StartupError(`PORT ${config.port} on ${config.host} (PORT, HOST) is already in use.`);
  }
}

/**
 * Closes the app on SIGTERM or SIGINT, then exits 0: first the HTTP server stops accepting
 * connections (a load balancer or a retrying client goes to another instance), then Nest's
 * shutdown hooks run — the library cancels its consumers and lets deliveries in flight finish
 * before anything they need is closed — then open requests and connections are closed, and the
 * spans not yet exported are sent (when tracing is on). Nest's
 * `enableShutdownHooks()` would re-raise the signal after closing, so a clean stop would look
 * like a crash (exit status 143) to whoever supervises the process.
 */
function closeOnSignals(app: INestApplication, logger: Logger): void {
  let closing = false;
  const close = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    logger.log(`${signal} received; shutting down`);
    setTimeout(() => {
      logger.error(`shutdown took longer than ${SHUTDOWN_GRACE_MS} ms; exiting`);
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    app.getHttpServer().close();
    app.close().then(
      // The spans of the shutdown itself (the last deliveries, the last marks) included.
      () => stopTelemetry().then(() => process.exit(0)),
      (error: unknown) => {
        logger.error(`shutdown failed: ${errorText(error)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', close);
  process.once('SIGINT', close);
}

function startupFailure(error: unknown): string {
  if (error instanceof ConfigError || error instanceof StartupError) return error.message;
  return `Start-up failed: ${errorText(error).replace(/\s+/g, ' ').trim()}`;
}
