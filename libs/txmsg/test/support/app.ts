import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule, type TypeOrmModuleOptions } from '@nestjs/typeorm';
import { TXMSG_MIGRATIONS, TxMsgModule, type TxMsgModuleOptions } from '../../src';
import { ConsumerFixtureModule, ProducerFixtureModule, TestTables1764000000001 } from './fixtures';
import { DB, ENGINE } from './infra';

export interface TestAppOptions {
  database: string;
  uri: string;
  /** Reach the test database server on this port (a TCP proxy in front of it) instead of its own. */
  dbPort?: number;
  consumer?: boolean;
  listen?: boolean;
  /** More fixture modules to import. */
  modules?: Type[];
  txmsg?: Partial<Omit<TxMsgModuleOptions, 'service' | 'broker'>> & { broker?: Partial<TxMsgModuleOptions['broker']> };
  /** Modules imported before TxMsgModule (a host's own ClsModule, say). */
  hostModules?: DynamicModule[];
}

/** Timings short enough for tests; each test may override. */
export const FAST = {
  relay: { pollIntervalMs: 200, retryBaseMs: 100, retryMaxMs: 400, publishTimeoutMs: 3000 },
  check: { firstCheckAfterMs: 300, intervalMs: 200, maxChecks: 3, scanIntervalMs: 100 },
  retry: { ladderMs: [100, 200, 400], scanIntervalMs: 50 },
  housekeeping: { retentionMs: 60_000, intervalMs: 3_600_000, batchSize: 2 },
  notify: { ladderMs: [100, 200, 400], timeoutMs: 1000, scanIntervalMs: 100 },
};

/** The application's DataSource on the test engine's server (TXMSG_TEST_DB). */
function databaseOptions(options: TestAppOptions): TypeOrmModuleOptions {
  const shared = {
    host: DB.host,
    port: options.dbPort ?? DB.port,
    username: DB.user,
    password: DB.password,
    database: options.database,
    migrations: [...TXMSG_MIGRATIONS, TestTables1764000000001],
    migrationsRun: true,
    retryAttempts: 0,
    logging: false, // duplicate-key errors are expected here (dedup), not news
  };
  return ENGINE === 'postgres' ? { type: 'postgres', ...shared } : { type: 'mysql', ...shared, timezone: 'Z' };
}

/** A one-service Nest application: the library, its tables, and the fixtures. */
export async function startTestApp(options: TestAppOptions): Promise<INestApplication> {
  const { broker, ...rest } = options.txmsg ?? {};
  const moduleRef = await Test.createTestingModule({
    imports: [
      TypeOrmModule.forRoot(databaseOptions(options)),
      ...(options.hostModules ?? []),
      TxMsgModule.forRoot({
        service: 'test-svc',
        broker: { uri: options.uri, connectTimeoutMs: 5000, ...broker },
        admin: rest.admin ?? { token: 'test-admin-token' },
        metrics: rest.metrics ?? {},
        console: rest.console,
        cls: rest.cls,
        relay: { ...FAST.relay, ...rest.relay },
        check: { ...FAST.check, ...rest.check },
        retry: { ...FAST.retry, ...rest.retry },
        consumer: rest.consumer,
        messages: rest.messages,
        housekeeping: { ...FAST.housekeeping, ...rest.housekeeping },
        notify: { ...FAST.notify, ...rest.notify },
        crashPoint: rest.crashPoint,
      }),
      ProducerFixtureModule,
      ...(options.consumer ? [ConsumerFixtureModule] : []),
      ...(options.modules ?? []),
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  try {
    if (options.listen) await app.listen(0, '127.0.0.1');
    else await app.init();
  } catch (error) {
    // A start-up the test expects to fail must not leave its broker connection retrying.
    await app.close().catch(() => undefined);
    throw error;
  }
  return app;
}
