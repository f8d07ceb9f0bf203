import { NestFactory } from '@nestjs/core';
import { loadConfig } from './app.config.js';
import { AppModule } from './app.module.js';

async function bootstrap() {
  const config = loadConfig();
  const app = await NestFactory.create(AppModule.forRoot(config));
  // On SIGTERM the library finishes the deliveries in flight and flushes the outbox before exit.
  app.enableShutdownHooks();
  await app.listen(config.port);
}
await bootstrap();
