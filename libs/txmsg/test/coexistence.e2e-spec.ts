import { AmqpConnection, RabbitMQModule, RabbitSubscribe } from '@golevelup/nestjs-rabbitmq';
import { ClsPluginTransactional } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { type INestApplication, Injectable, Module } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import { ClsModule } from 'nestjs-cls';
import { waitFor } from '../src/testing';
import { startTestApp } from './support/app';
import { ThingService, THINGS_QUEUE } from './support/fixtures';
import { createTestDatabase, createVhost, rabbitmqctl, sql } from './support/infra';

const HOST_EXCHANGE = 'host.events';
const HOST_QUEUE = 'host.pings';

/** The host's own messaging, on the host's own RabbitMQModule: a plain subscriber and a publisher. */
@Injectable()
class HostPings {
  readonly seen: string[] = [];
  constructor(readonly amqp: AmqpConnection) {}

  @RabbitSubscribe({ exchange: HOST_EXCHANGE, routingKey: 'host.ping', queue: HOST_QUEUE })
  onPing(payload: { id: string }): void {
    this.seen.push(payload.id);
  }

  ping(id: string): Promise<boolean> {
    return this.amqp.publish(HOST_EXCHANGE, 'host.ping', { id });
  }
}

describe('TxMsgModule beside a host with its own RabbitMQModule and ClsModule', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let app: INestApplication | undefined;

  beforeEach(async () => {
    db = await createTestDatabase('coexist');
    vhost = await createVhost('coexist');
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await vhost.remove();
    await db.drop();
  });

  /** Connections of the test's vhost and the consumers of each of its queues, as the broker counts them. */
  const connections = async () =>
    (await rabbitmqctl('-q', 'list_connections', 'vhost')).split('\n').filter((line) => line.trim() === vhost.vhost)
      .length;
  const consumers = async (queue: string) => {
    const out = await rabbitmqctl('-q', 'list_queues', '-p', vhost.vhost, 'name', 'consumers');
    const line = out.split('\n').find((l) => l.split(/\s+/)[0] === queue);
    return Number(line?.split(/\s+/)[1]);
  };

  const start = async () => {
    const hostRabbit = RabbitMQModule.forRoot({
      uri: vhost.uri,
      exchanges: [{ name: HOST_EXCHANGE, type: 'topic' }],
      connectionInitOptions: { wait: true, timeout: 5000 },
    });
    @Module({ imports: [hostRabbit], providers: [HostPings] })
    class HostMessagingModule {}
    const hostCls = ClsModule.forRoot({
      global: true,
      middleware: { mount: true },
      plugins: [
        new ClsPluginTransactional({
          adapter: new TransactionalAdapterTypeOrm({ dataSourceToken: getDataSourceToken() }),
        }),
      ],
    });
    return startTestApp({
      database: db.name,
      uri: vhost.uri,
      consumer: true,
      hostModules: [hostCls],
      modules: [HostMessagingModule],
      txmsg: { cls: 'host' },
    });
  };

  it('publishes through the outbox and applies once, while the host keeps its own connection and subscriptions', async () => {
    app = await start();
    await app.get(ThingService).create('c1', 'beside the host');
    await waitFor(
      async () => (await sql('SELECT times FROM t_effects WHERE k = ?', ['thing:c1'], db.name))[0]?.times === 1,
      { description: 'the idempotent consumer applied the message' },
    );

    const host = app.get(HostPings);
    await host.ping('p1');
    await waitFor(() => host.seen.includes('p1'), { description: "the host's subscriber got its message" });
    expect(host.amqp.configuration.name).toBe('default');
    expect(app.get(AmqpConnection, { strict: false })).toBeDefined();

    // One connection each, and each subscription consumed once: on its owner's connection only.
    expect(await connections()).toBe(2);
    expect(await consumers(HOST_QUEUE)).toBe(1);
    expect(await consumers(THINGS_QUEUE)).toBe(1);
    const clsRoots = [...app.get(ModulesContainer).values()].filter((m) => m.metatype?.name === 'ClsRootModule');
    expect(clsRoots).toHaveLength(1);

    await app.close();
    app = undefined;
    await waitFor(async () => (await connections()) === 0, { description: 'every connection closed' });
  });
});
