import { Controller, Get, type INestApplication, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule, type TypeOrmModuleOptions } from '@nestjs/typeorm';
import request from 'supertest';
import { TXMSG_MIGRATIONS, TxMsgModule, type TxMsgModuleOptions } from '../src';
import { TestTables1764000000001 } from './support/fixtures';
import { createTestDatabase, createVhost, DB, ENGINE } from './support/infra';

/** The application's own metrics endpoint, as a host with a Prometheus module has. */
@Controller('metrics')
class HostMetricsController {
  @Get()
  scrape() {
    return 'host metrics';
  }
}

/** A validated configuration the host injects into the factory. */
@Injectable()
class HostConfig {
  readonly adminToken = 'token-from-config';
}

@Module({ providers: [HostConfig], exports: [HostConfig] })
class HostConfigModule {}

describe('TxMsgModule start-up checks', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let app: INestApplication | undefined;

  beforeEach(async () => {
    db = await createTestDatabase('startup');
    vhost = await createVhost('startup');
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await vhost.remove();
    await db.drop();
  });

  const database = (migrations: unknown[]): TypeOrmModuleOptions => {
    const shared = {
      host: DB.host,
      port: DB.port,
      username: DB.user,
      password: DB.password,
      database: db.name,
      migrations: migrations as TypeOrmModuleOptions['migrations'],
      migrationsRun: true,
      retryAttempts: 0,
      logging: false,
    };
    return ENGINE === 'postgres' ? { type: 'postgres', ...shared } : { type: 'mysql', ...shared, timezone: 'Z' };
  };
  const runtime = (): TxMsgModuleOptions => ({
    service: 'startup-svc',
    broker: { uri: vhost.uri, connectTimeoutMs: 5000 },
  });

  /** Builds and starts the app; a start-up that fails is closed, so nothing it opened stays open. */
  const start = async (imports: unknown[], migrations: unknown[] = [...TXMSG_MIGRATIONS, TestTables1764000000001]) => {
    const moduleRef = await Test.createTestingModule({
      imports: [TypeOrmModule.forRoot(database(migrations)), ...(imports as never[])],
    }).compile();
    const started = moduleRef.createNestApplication({ logger: false });
    try {
      await started.init();
    } catch (error) {
      await started.close().catch(() => undefined);
      throw error;
    }
    app = started;
    return started;
  };

  it('refuses to start without the library tables, naming TXMSG_MIGRATIONS', async () => {
    await expect(start([TxMsgModule.forRoot(runtime())], [TestTables1764000000001])).rejects.toThrow(
      /has none of the library's tables .*TXMSG_MIGRATIONS.*`synchronize` does not make them/,
    );
  });

  it('refuses to start on an older schema, naming the migration that has not run', async () => {
    const older = TXMSG_MIGRATIONS.filter((m) => m.name !== 'Ordering1764000000008');
    await expect(start([TxMsgModule.forRoot(runtime())], older)).rejects.toThrow(
      /older schema .*table txmsg_ordering_held.*Ordering1764000000008/,
    );
  });

  it("refuses to start when a library route takes one of the application's, saying how to move it", async () => {
    @Module({ controllers: [HostMetricsController] })
    class HostMetricsModule {}
    await expect(start([HostMetricsModule, TxMsgModule.forRoot({ ...runtime(), metrics: true })])).rejects.toThrow(
      /GET \/metrics .*HostMetricsController\.scrape.*metrics: \{ path: 'txmsg\/metrics' \}/,
    );
    const moved = await start([
      HostMetricsModule,
      TxMsgModule.forRoot({ ...runtime(), metrics: { path: 'txmsg/metrics' } }),
    ]);
    await request(moved.getHttpServer()).get('/metrics').expect(200, 'host metrics');
    const { text } = await request(moved.getHttpServer()).get('/txmsg/metrics').expect(200);
    expect(text).toContain('txmsg_');
  });

  it('takes the admin token from a config provider injected into the forRootAsync factory', async () => {
    const started = await start([
      TxMsgModule.forRootAsync({
        imports: [HostConfigModule],
        inject: [HostConfig],
        useFactory: (config: HostConfig) => ({ ...runtime(), admin: { token: config.adminToken }, metrics: true }),
      }),
    ]);
    const http = started.getHttpServer();
    await request(http).get('/txmsg/parked').set('authorization', 'Bearer token-from-config').expect(200);
    await request(http).get('/txmsg/parked').expect(401);
    await request(http).get('/metrics').expect(200);
  });

  it('answers 404 on every admin route when the factory turns the admin API off', async () => {
    const started = await start([
      TxMsgModule.forRootAsync({ useFactory: () => ({ ...runtime(), admin: false, metrics: false }) }),
    ]);
    const http = started.getHttpServer();
    await request(http).get('/txmsg/parked').set('authorization', 'Bearer anything').expect(404);
    await request(http).get('/txmsg/outbox').expect(404);
    await request(http).get('/metrics').expect(404);
  });
});
