import '@app/common/telemetry/register';
import { bootstrapService } from '@app/common';
import { AppModule } from './app.module';
import { loadBank2Config } from './bank2.config';

void bootstrapService({
  name: 'bank2',
  loadConfig: loadBank2Config,
  rootModule: (config) => AppModule.forRoot(config),
});
