export { ConfigError } from './config/config-error';
export { EnvReader, type Env } from './config/env-reader';
export { DB_TYPES, readDatabaseConfig, type DbType } from './config/database-config';
export {
  loadServiceConfig,
  DEFAULT_RETRY_LADDER,
  LOG_LEVELS,
  type DatabaseConfig,
  type LogLevel,
  type ServiceConfig,
} from './config/service.config';
export { ServiceConfigModule, SERVICE_CONFIG, InjectServiceConfig } from './config/service-config.module';
export { txMsgOptions } from './config/txmsg-options';
export { DEFAULT_RATE_LIMIT, parseRateLimit, type RateLimit } from './config/rate-limit';
export { affectedRows } from './database/affected-rows';
export { dialectFor, insertUnlessDuplicate, runSql } from './database/portable-sql';
export { ensureDatabase } from './database/ensure-database';
export { typeOrmOptions, type EntityClass } from './database/typeorm-options';
export { TypeOrmNestLogger } from './database/typeorm-logger';
export { HealthModule } from './health/health.module';
export { AccountNoPipe } from './http/account-no.pipe';
export { HttpErrorFilter } from './http/http-error.filter';
export { keepNumberSources, numberSourceOf, parseJsonKeepingNumberSources } from './http/json-number-sources';
export { RateLimitModule } from './http/rate-limit.module';
export { RateLimited } from './http/rate-limited.decorator';
export { LoggingModule } from './logging/logging.module';
export { decimalTransformer } from './money/decimal.transformer';
export { IsAmount } from './money/is-amount.decorator';
export { parseAmount, formatAmount, MAX_AMOUNT, type ParsedAmount } from './money/money';
export { ApiErrorBody, ApiErrors } from './startup/api-error';
export { API_DOCS_PATH, setupApiDocs } from './startup/api-docs';
export { ApiAccountNo, ApiAccountNoParam, ApiAmount, ApiTxNoOptional, ApiTxNoParam } from './startup/api-properties';
export { bootstrapService, JSON_BODY_LIMIT, type ServiceDefinition } from './startup/bootstrap-service';
export { ensureBroker } from './startup/ensure-broker';
export { retryUntil } from './startup/retry-until';
export { StartupError } from './startup/startup-error';
export { ACCOUNT_NO, ACCOUNT_NO_MESSAGE, IsAccountNo } from './validation/account-no';
export { ANY_TX_NO, TxNoPipe } from './http/tx-no.pipe';
export { IdempotencyKeyHeader, TX_NO_IDEMPOTENCY_KEY, checkIdempotencyKey } from './http/idempotency-key.decorator';
export { type TextFormat } from './validation/text-format';
export { errorText } from './errors/error-text';
export { TX_NO, TX_NO_MESSAGE, IsTxNo } from './validation/tx-no';
export { AccountViewDto } from './http/account-view.dto';
