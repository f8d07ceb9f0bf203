import { ClsPluginTransactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Controller, HttpCode, Injectable, type INestApplication, Module, Param, Post } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import { ClsModule } from 'nestjs-cls';
import type { Registry } from 'prom-client';
import request from 'supertest';
import { IntegrationEvent, type MessageContext, OnIntegrationEvent, Outbox, TXMSG_METRICS_REGISTRY } from '../src';
import { waitFor } from '../src/testing';
import { startTestApp, type TestAppOptions } from './support/app';
import { createTestDatabase, createVhost } from './support/infra';

@IntegrationEvent('test.guest.arrived')
class GuestArrived {
  constructor(readonly id: string) {}
}

/** Subscribes by event class, with no exchange: the library's must be filled in. */
@Injectable()
class GuestConsumer {
  readonly seen: { id: string; correlationId: string | undefined }[] = [];

  @OnIntegrationEvent(GuestArrived, { queue: 'test.guests', key: 'id' })
  async onArrived(event: GuestArrived, ctx: MessageContext): Promise<void> {
    this.seen.push({ id: event.id, correlationId: ctx.correlationId });
  }
}

@Controller('guests')
class GuestController {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly outbox: Outbox,
  ) {}

  @Post(':id')
  @HttpCode(204)
  async arrive(@Param('id') id: string): Promise<void> {
    await this.txHost.withTransaction(() => this.outbox.publish(new GuestArrived(id)));
  }
}

@Module({ controllers: [GuestController], providers: [GuestConsumer] })
class GuestModule {}

/** What a host that set up nestjs-cls itself imports: its own id generator, the transactional plugin. */
const hostCls = ClsModule.forRoot({
  global: true,
  middleware: { mount: true, generateId: true, idGenerator: () => 'named-by-host' },
  plugins: [
    new ClsPluginTransactional({
      adapter: new TransactionalAdapterTypeOrm({ dataSourceToken: getDataSourceToken() }),
    }),
  ],
});

describe('TxMsgModule as a guest in a host application', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let app: INestApplication | undefined;

  beforeEach(async () => {
    db = await createTestDatabase('guest');
    vhost = await createVhost('guest');
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await vhost.remove();
    await db.drop();
  });

  const start = (options: Partial<TestAppOptions> = {}) =>
    startTestApp({ database: db.name, uri: vhost.uri, listen: true, modules: [GuestModule], ...options });

  const arrive = async (id: string) => {
    await request(app!.getHttpServer()).post(`/guests/${id}`).set('x-correlation-id', `from-caller-${id}`).expect(204);
    const consumer = app!.get(GuestConsumer);
    await waitFor(() => consumer.seen.some((s) => s.id === id), { description: `${id} consumed` });
    return consumer.seen.find((s) => s.id === id)!;
  };

  /** How many times nestjs-cls was set up in the application: exactly once, by whoever owns it. */
  const clsSetups = () =>
    [...app!.get(ModulesContainer).values()].filter((m) => m.metatype?.name === 'ClsRootModule').length;

  it("registers its own nestjs-cls by default, naming a request by the caller's x-correlation-id", async () => {
    app = await start();
    expect(clsSetups()).toBe(1);
    expect(await arrive('g1')).toEqual({ id: 'g1', correlationId: 'from-caller-g1' });
  });

  it("uses the host's nestjs-cls with cls: 'host', its transactions and its request ids", async () => {
    app = await start({ hostModules: [hostCls], txmsg: { cls: 'host' } });
    expect(clsSetups()).toBe(1);
    expect(await arrive('g2')).toEqual({ id: 'g2', correlationId: 'named-by-host' });
  });

  it('adds no route unless asked, and exports its metrics registry for the host to serve', async () => {
    app = await start({ txmsg: { admin: false, metrics: false } });
    await arrive('g3');
    await request(app.getHttpServer()).get('/metrics').expect(404);
    await request(app.getHttpServer()).get('/txmsg/parked').set('authorization', 'Bearer test-admin-token').expect(404);
    const metrics = await app.get<Registry>(TXMSG_METRICS_REGISTRY).metrics();
    expect(metrics).toContain('txmsg_consumer_messages_total{consumer="GuestConsumer.onArrived",outcome="applied"');
    expect(metrics).not.toContain('process_cpu_seconds_total');
  });

  it('serves the admin API and metrics where the host asks', async () => {
    app = await start({ txmsg: { admin: { token: 'guest-token' }, metrics: { path: 'internal/metrics' } } });
    await request(app.getHttpServer()).get('/metrics').expect(404);
    const { text } = await request(app.getHttpServer()).get('/internal/metrics').expect(200);
    expect(text).toContain('process_cpu_seconds_total');
    await request(app.getHttpServer()).get('/txmsg/parked').set('authorization', 'Bearer guest-token').expect(200);
    await request(app.getHttpServer()).get('/txmsg/parked').set('authorization', 'Bearer wrong-token').expect(401);
  });
});
