import '@app/common/telemetry/register';
import { bootstrapService } from '@app/common';
import { AppModule } from './app.module';
import { loadAccountConfig } from './account.config';

void bootstrapService({
  name: 'account',
  loadConfig: loadAccountConfig,
  rootModule: (config) => AppModule.forRoot(config),
  rawBody: true, // pay's webhooks are verified over the bytes received
});
