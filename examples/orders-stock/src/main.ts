import 'reflect-metadata';
import { Logger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { type AppConfig, loadConfig } from './config';

/** Builds the application on Fastify; `main` listens, the e2e test does the same on a free port. */
export async function createApp(
  config: AppConfig,
  logger: LogLevel[] = ['error', 'warn', 'log'],
): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), new FastifyAdapter(), {
    logger,
  });
  // On SIGTERM the library finishes the deliveries in flight and flushes the outbox before exit.
  app.enableShutdownHooks();
  return app;
}

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  await app.listen(config.port, '0.0.0.0');
  new Logger('OrdersStock').log(`listening on ${await app.getUrl()}`);
}

if (require.main === module) void main();
