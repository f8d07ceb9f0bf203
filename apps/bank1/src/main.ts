import '@app/common/telemetry/register';
import { bootstrapService } from '@app/common';
import { AppModule } from './app.module';
import { loadBank1Config } from './bank1.config';

void bootstrapService({
  name: 'bank1',
  loadConfig: loadBank1Config,
  rootModule: (config) => AppModule.forRoot(config),
});
