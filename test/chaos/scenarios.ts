import { waitFor } from '@txmsg/nestjs/testing';
import { randomUUID } from 'node:crypto';
import type { ServiceName } from '../support/built-service';
import {
  closeAllBrokerConnections,
  killEngineConnections,
  restartDatabaseServer,
  restartRabbitMq,
} from '../support/servers';
import { serverFor, type TestEngine } from '../support/test-databases';
import { TcpProxy } from '../support/tcp-proxy';
import { publishRaw } from './support/broker-client';
import type { ChaosWorld } from './support/chaos-world';
import { during, type Scenario } from './support/run-scenario';

const FOUR: ServiceName[] = ['bank1', 'bank2', 'pay', 'account'];

/** The four services' databases, by the engine whose server holds them. */
function databasesByEngine(world: ChaosWorld): Map<TestEngine, string[]> {
  const byEngine = new Map<TestEngine, string[]>();
  for (const service of FOUR) {
    const engine = world.engineOf(service);
    byEngine.set(engine, [...(byEngine.get(engine) ?? []), world.db(service)]);
  }
  return byEngine;
}

/** Kills every connection of the four services' databases, on whichever servers hold them. */
async function killAllDbConnections(world: ChaosWorld): Promise<void> {
  for (const [engine, databases] of databasesByEngine(world)) {
    world.note(`killed ${await killEngineConnections(engine, databases)} ${engine} connections`);
  }
}

/** Waits until instance `index` of `service` has died (at a crash point), then starts it with `env`. */
async function whenDeadRestart(
  world: ChaosWorld,
  service: ServiceName,
  env: Record<string, string>,
  spawnOnly: boolean,
) {
  await waitFor(() => world.running(service).length === 0, {
    timeoutMs: 20_000,
    description: `${service} died at its crash point`,
  });
  if (spawnOnly) await world.spawn(service, 0, env);
  else await world.start(service, 0, env);
}

export const killBank1BeforePublish: Scenario = {
  name: 'bank1 kill -9 after commit, before publish',
  async configure(world) {
    world.configure('bank1', { TXMSG_CRASH_POINT: 'relay-before-publish' });
  },
  async faults(world) {
    // The restarted relay finds the committed backlog and dies again before publishing it, twice;
    // the third start has no crash point and must deliver everything exactly once.
    await whenDeadRestart(world, 'bank1', {}, true);
    await whenDeadRestart(world, 'bank1', {}, true);
    await whenDeadRestart(world, 'bank1', { TXMSG_CRASH_POINT: '' }, false);
    await during(4000);
    return 3;
  },
};

export const killRandomlyTwoInstances: Scenario = {
  name: 'kill -9 at random, 2x bank1 + 2x bank2',
  instances: { bank1: 2, bank2: 2 },
  async faults(world) {
    let faults = 0;
    for (let round = 0; round < 4; round++) {
      await during(1000 + Math.random() * 1500);
      const service: ServiceName = Math.random() < 0.5 ? 'bank1' : 'bank2';
      const index = Math.random() < 0.5 ? 0 : 1;
      await world.kill(service, index);
      faults++;
      await world.start(service, index);
    }
    await during(2000);
    return faults;
  },
};

export const killBank2MidConsumption: Scenario = {
  name: 'bank2 kill -9 mid-consumption',
  async configure(world) {
    world.configure('bank2', { TXMSG_CRASH_POINT: 'consumer-before-ack' });
  },
  async faults(world) {
    // After its DB commit, before the ack: the broker redelivers, the dedup row answers.
    await whenDeadRestart(world, 'bank2', { TXMSG_CRASH_POINT: 'consumer-before-commit' }, true);
    // Before its DB commit: the effect rolls back with the process; the redelivery applies it.
    await whenDeadRestart(world, 'bank2', { TXMSG_CRASH_POINT: '' }, false);
    await during(4000);
    return 2;
  },
};

export const brokerRestart: Scenario = {
  name: 'RabbitMQ restart and forced close',
  async faults() {
    await during(2000);
    await restartRabbitMq(2000);
    await during(2500);
    await closeAllBrokerConnections();
    await during(2500);
    return 2;
  },
};

export const databaseFaults: Scenario = {
  name: 'DB connections killed, database server restart',
  async faults(world) {
    await during(1500);
    await killAllDbConnections(world);
    await during(2000);
    await killAllDbConnections(world);
    await during(1500);
    // Every server the services use (MariaDB, PostgreSQL, or both), one after the other.
    for (const engine of databasesByEngine(world).keys()) {
      world.note(`restart ${engine}`);
      await restartDatabaseServer(engine, 2000);
    }
    await during(3000);
    return 3;
  },
};

const proxies: TcpProxy[] = [];
export const networkFaults: Scenario = {
  name: 'network cut and slow link (TCP proxy)',
  async configure(world) {
    const brokerLink = await TcpProxy.start('127.0.0.1', 5672);
    const database = serverFor(world.engineOf('bank2'));
    const dbLink = await TcpProxy.start(database.host, database.port);
    proxies.push(brokerLink, dbLink);
    world.configure('bank1', { RABBITMQ_URL: world.stack.rabbitUrl.replace(':5672/', `:${brokerLink.port}/`) });
    world.configure('bank2', { DB_PORT: String(dbLink.port) });
  },
  async faults() {
    const [brokerLink, dbLink] = proxies;
    await during(1500);
    brokerLink.cut(); // bank1 ⇄ broker
    await during(3000);
    brokerLink.heal();
    dbLink.slow(40); // bank2 ⇄ its database server
    await during(3000);
    dbLink.cut();
    await during(2000);
    dbLink.heal();
    await during(3000);
    return 3;
  },
  async cleanup() {
    await Promise.all(proxies.splice(0).map((p) => p.close()));
  },
};

export const consumerStartsLate: Scenario = {
  name: 'consumers first started after sending',
  instances: { bank2: 0, account: 1, pay: 1 },
  load: { rechargesPerSecond: 0 },
  async faults(world) {
    // bank2 has never run in this vhost: no queue is bound for its messages yet.
    await during(4000);
    await world.start('bank2', 0);
    await during(2000);
    return 1;
  },
};

let malformed = 0;
export const duplicatesAndPoison: Scenario = {
  name: 'duplicates, replays and malformed messages',
  async faults(world) {
    await during(4000);
    const sent = await world.query<{ message_id: string; routing_key: string; payload: string }>(
      'bank1',
      "SELECT message_id, routing_key, payload FROM txmsg_outbox WHERE status = 'PUBLISHED' AND routing_key = 'bank1.transfer.started'",
    );
    const results = await world.query<{ message_id: string; routing_key: string; payload: string }>(
      'pay',
      "SELECT message_id, routing_key, payload FROM txmsg_outbox WHERE status = 'PUBLISHED'",
    );
    const replays = [...sent, ...results].flatMap((row) => [
      { routingKey: row.routing_key, body: row.payload, messageId: row.message_id }, // duplicate
      { routingKey: row.routing_key, body: row.payload, messageId: row.message_id },
      { routingKey: row.routing_key, body: row.payload, messageId: randomUUID() }, // replay, new id
    ]);
    const poison = [
      { routingKey: 'bank1.transfer.started', body: '{not json', messageId: randomUUID() },
      {
        routingKey: 'bank1.transfer.started',
        body: JSON.stringify({ txNo: 'x', amount: 'lots' }),
        messageId: randomUUID(),
      },
      { routingKey: 'pay.recharge.completed', body: Buffer.from([0xff, 0xfe, 0x00]), messageId: randomUUID() },
      { routingKey: 'pay.recharge.completed', body: JSON.stringify({ txNo: 42 }), messageId: randomUUID() },
    ];
    malformed = poison.length;
    await publishRaw(world.stack.rabbitUrl, [...replays, ...poison]);
    await during(2000);
    return replays.length + poison.length;
  },
  expectedParked: () => malformed,
};

export const mixedRandom: Scenario = {
  name: 'mixed faults at random',
  instances: { bank1: 2, bank2: 2 },
  async faults(world) {
    const menu: (() => Promise<void>)[] = [
      async () => {
        const service: ServiceName = (['bank1', 'bank2', 'pay', 'account'] as const)[Math.floor(Math.random() * 4)];
        const index = service === 'bank1' || service === 'bank2' ? Math.floor(Math.random() * 2) : 0;
        world.note(`kill -9 ${service}#${index}`);
        await world.kill(service, index);
        await world.start(service, index);
      },
      () => (world.note('close all broker connections'), closeAllBrokerConnections()),
      () => killAllDbConnections(world),
      () => (world.note('restart RabbitMQ'), restartRabbitMq(1500)),
    ];
    let faults = 0;
    for (let round = 0; round < 5; round++) {
      await during(800 + Math.random() * 1200);
      await menu[Math.floor(Math.random() * menu.length)]();
      faults++;
    }
    await during(2000);
    return faults;
  },
};
