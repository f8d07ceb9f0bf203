import '@app/common/telemetry/register';
import { bootstrapService } from '@app/common';
import { AppModule } from './app.module';
import { loadPayConfig } from './pay.config';

void bootstrapService({
  name: 'pay',
  loadConfig: loadPayConfig,
  rootModule: (config) => AppModule.forRoot(config),
});
