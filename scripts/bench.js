#!/usr/bin/env node
// `npm run bench`: bank1 → bank2 transfers through the built services, against two
// baselines measured in the same run on the same databases: the raw statements with the
// database's driver, and a naive publish-after-commit pipeline. BENCH_DB=postgres runs all of
// it on PostgreSQL (the services with DB_TYPE=postgres, the baselines with pg); the default,
// mysql, on MariaDB/MySQL with mysql2. DB_HOST, DB_PORT, DB_USER and DB_PASSWORD name the
// server, with the engine's defaults, for the bench and its services alike. Durability stays on
// (innodb_flush_log_at_trx_commit=1, or PostgreSQL's fsync and synchronous_commit, is checked;
// messages are persistent, the services publish with confirms).
//
// The naive path is measured twice: as Nest services like bank1 and bank2 (same HTTP stack,
// validation, CQRS, TypeORM and transactions, but a plain publish after the commit and no dedup:
// scripts/bench/naive/), and as a bare driver + amqplib pipeline in this process. A third
// in-process pipeline, the reliable floor (scripts/bench/floor.js), sends the database and
// RabbitMQ exactly what the txmsg services send, with no framework. Every throughput phase also
// records the CPU time per transfer of each process (services, database server, RabbitMQ, this one). The txmsg
// and naive services run side by side and their phases alternate, so the ratio between them is
// measured minutes apart at most, not across the whole run. The backlog drains
// (scripts/bench/drains.js) run last, the consumer's twice: unordered, then on a second backlog
// with ordering keys and bank2 an ordered consumer (TRANSFERS_ORDERED=true), checked afterwards.
//
// BENCH_CONCURRENCY (32), BENCH_TRANSFERS (3000), BENCH_HOT_TRANSFERS (1500), BENCH_RATE (100),
// BENCH_RATE_SECONDS (10), BENCH_BACKLOG (50000 messages per backlog drain; 0 skips them) tune it; BENCH_SERVICE_NODE_OPTIONS is passed to the services as
// NODE_OPTIONS (default: the heap cap the README recommends, scripts/service-node-options.js; set it empty
// for V8's defaults), BENCH_SERVICE_NODE_ARGS as node arguments (e.g.
// `--cpu-prof --cpu-prof-dir=/tmp/prof`, which NODE_OPTIONS refuses). The services log at
// LOG_LEVEL=warn; BENCH_SERVICE_LOGS=<dir> keeps all they write in <dir>/<service>.log.
// Results: a table on stdout and bench-results/<time>.json.
'use strict';

const os = require('node:os');
const path = require('node:path');
const { createWorld, destroyWorld, pool, serverFacts } = require('./bench/infra');
const { httpClient } = require('./bench/load');
const { naiveLatency, naivePipeline, naiveThroughput, rawThroughput } = require('./bench/baselines');
const { cpuMeter, findServers } = require('./bench/cpu');
const database = require('./bench/database');
const { backlog, consumerDrain, drainTimeoutMs, rawConfirmedPublishing, relayDrain } = require('./bench/drains');
const { floorConsumerDrain, floorPipeline, floorThroughput } = require('./bench/floor');
const { balanceCents, checkOrdered } = require('./bench/ordered-check');
const { reliableLatency, reliableThroughput } = require('./bench/reliable');
const report = require('./bench/report');
const { SERVICE_NODE_OPTIONS } = require('./service-node-options');
const { rssMb, startService, stopService, watchMemory } = require('./bench/services');
const { seed, workload, ACCOUNTS } = require('./bench/workloads');

const root = path.resolve(__dirname, '..');
/** Connections in each service's database pool: DB_POOL_SIZE, handed to every service alike (their default, 20). */
const SERVICE_POOL_SIZE = database.servicePoolSize;
const config = {
  concurrency: Number(process.env.BENCH_CONCURRENCY || 32),
  transfers: Number(process.env.BENCH_TRANSFERS || 3000),
  hotTransfers: Number(process.env.BENCH_HOT_TRANSFERS || 1500),
  latencyRate: Number(process.env.BENCH_RATE || 100),
  latencySeconds: Number(process.env.BENCH_RATE_SECONDS || 10),
  backlog: Number(process.env.BENCH_BACKLOG ?? 50_000),
  relayBatch: 100, // the library's default relay.batchSize: the relay's unconfirmed publishes at a time
  serviceNodeOptions: process.env.BENCH_SERVICE_NODE_OPTIONS ?? SERVICE_NODE_OPTIONS,
  serviceNodeArgs: (process.env.BENCH_SERVICE_NODE_ARGS || '').split(/\s+/).filter(Boolean),
  warmup: 300,
  prefetch: 20, // the library's default consumer prefetch, for the naive consumer too
  accounts: ACCOUNTS,
  cores: os.availableParallelism(),
  database: { name: database.name, label: database.label, driver: database.driver },
  servicePoolSize: SERVICE_POOL_SIZE,
};
const say = (text = '') => process.stdout.write(`${text}\n`);
const servers = findServers(database.name);

/** The deadlocks the database server has counted so far (set once the pools exist). */
let deadlocksSoFar = async () => undefined;

/**
 * Runs a measured phase (throughput or latency) with the CPU per transfer of `services`, the
 * servers and the bench, and the deadlocks the server counted meanwhile (a deadlock costs
 * PostgreSQL deadlock_timeout, 1 s by default, before it is broken; InnoDB breaks it at once).
 */
async function withCpu(services, phase) {
  const before = await deadlocksSoFar();
  const meter = cpuMeter({
    ...Object.fromEntries(services.map((s) => [s.name.replace(/^naive-/, ''), s.child.pid])),
    ...servers,
    bench: process.pid,
  });
  const result = await phase();
  const cpu = meter.stop(result.transfers ?? result.commitToCredit.count);
  const after = await deadlocksSoFar();
  return { ...result, cpu, ...(before === undefined || after === undefined ? {} : { deadlocks: after - before }) };
}

async function main() {
  const startedAt = new Date().toISOString();
  const runLabel = startedAt.replace(/\D/g, '').slice(0, 14);
  const world = await createWorld(runLabel);
  const services = [];
  const cleanup = async () => {
    await Promise.all(services.map(stopService));
    await destroyWorld(world).catch((error) => say(`cleanup failed: ${error.message}`));
  };
  process.once('SIGINT', () => cleanup().then(() => process.exit(130)));
  try {
    const env = (name) => ({
      ...database.serviceEnv(),
      DB_NAME: world.databases[name],
      RABBITMQ_URL: world.rabbitUrl,
      ...(config.serviceNodeOptions ? { NODE_OPTIONS: config.serviceNodeOptions } : {}),
      // Signed messages are the services' default; BENCH_SIGNING=off measures what signing costs.
      ...(process.env.BENCH_SIGNING === 'off' ? { MESSAGE_SIGNING: 'false' } : {}),
    });
    // txmsg's bank1 and bank2, then the naive ones on the same databases (the real services made
    // the tables). Both pairs stay up and their phases alternate, so a change in the shared
    // machine's speed touches both alike.
    services.push(
      await startService('bank1', env('bank1'), config.serviceNodeArgs),
      await startService('bank2', env('bank2'), config.serviceNodeArgs),
    );
    const naiveEntry = (name) => ({
      entry: path.join(root, 'dist', 'scripts', 'bench', 'naive', `${name}.js`),
      readyPath: null,
    });
    for (const name of ['bank1', 'bank2']) {
      services.push(
        await startService(
          `naive-${name}`,
          { ...env(name), DB_MIGRATE: 'false' },
          config.serviceNodeArgs,
          naiveEntry(`naive-${name}`),
        ),
      );
    }
    const pairs = [
      { key: 'reliable', label: 'txmsg end to end', services: services.slice(0, 2) },
      { key: 'naiveService', label: 'naive services', services: services.slice(2, 4) },
    ];
    const poolSizes = [config.concurrency + 4, config.concurrency + config.prefetch + 4];
    const pool1 = pool(world.databases.bank1, poolSizes[0]);
    const pool2 = pool(world.databases.bank2, poolSizes[1]);
    deadlocksSoFar = () => database.deadlocks(pool1, Object.values(world.databases));
    const facts = await serverFacts(pool1);
    say(`${facts.database.summary}; RabbitMQ ${facts.rabbitmq}`);
    if (!facts.database.durable)
      say(`WARNING: ${facts.database.durabilityNote}: commits are not durable, figures are not comparable.`);
    // Every pool at its limit at once is the worst case; a phase rarely fills more than its own.
    const connections = 4 * SERVICE_POOL_SIZE + poolSizes[0] + poolSizes[1];
    const left = await database.connectionsLeft(pool1);
    if (left !== undefined && left < connections)
      say(
        `NOTE: ${database.label} takes ${left} more connections; the four services (${SERVICE_POOL_SIZE} each) and the bench's pools (${poolSizes.join(' + ')}) may open up to ${connections}.`,
      );
    say(
      `${config.accounts} accounts per bank, concurrency ${config.concurrency}, ${config.transfers} transfers (hot: ${config.hotTransfers}), latency at ${config.latencyRate}/s for ${config.latencySeconds} s\n`,
    );
    await seed(pool1, pool2);

    for (const pair of pairs) pair.client = httpClient(pair.services[0].url, config.concurrency);
    const rssIdleMb = Object.fromEntries(services.map((s) => [s.name, rssMb(s.child.pid)]));
    const memory = watchMemory(services);
    const results = { startedAt, config, facts, many: {}, hot: {}, latency: {} };
    const step = (text) => say(`  ${text} ...`);
    // On PostgreSQL a phase starts once the server has room for the connections it may open (the
    // pair of services under load: both pools; the raw phase: one per worker in each bank), so
    // one phase's idle pools, or another program's, do not make the next fail. Not timed.
    const room = async (n) => {
      if (!(await database.roomFor(pool1, n)))
        say(`  NOTE: ${database.label} has no room for ${n} more connections; going on`);
    };
    const pairConnections = 2 * SERVICE_POOL_SIZE + 4;
    const sizes = { many: config.transfers, hot: config.hotTransfers };
    const count = config.latencyRate * config.latencySeconds;

    for (const pair of pairs) {
      step(`warm-up: ${pair.label}`);
      await room(pairConnections);
      await reliableThroughput({
        client: pair.client,
        pool1,
        pool2,
        n: config.warmup,
        concurrency: config.concurrency,
        pick: workload('many', 1),
      });
    }
    for (const kind of ['many', 'hot']) {
      // Every phase of a workload moves the same sequence of transfers.
      const args = () => ({ pool1, pool2, n: sizes[kind], concurrency: config.concurrency, pick: workload(kind) });
      for (const pair of pairs) {
        step(`${kind}: ${pair.label}`);
        await room(pairConnections);
        results[kind][pair.key] = await withCpu(pair.services, () =>
          reliableThroughput({ ...args(), client: pair.client }),
        );
      }
      step(`${kind}: raw database`);
      // Its connections opened before the clock starts.
      await room(2 * config.concurrency);
      await Promise.all([pool1.open(config.concurrency), pool2.open(config.concurrency)]);
      // Raw SQL moves five times as many transfers: at its pace the same count lasts about one
      // second, and one burst of steal time on this VM would halve the baseline of the target.
      results[kind].raw = await withCpu([], () => rawThroughput({ ...args(), n: sizes[kind] * 5 }));
    }
    for (const pair of pairs) {
      step(`latency: ${pair.label} at ${config.latencyRate}/s`);
      await room(pairConnections);
      results.latency[pair.key] = await withCpu(pair.services, () =>
        reliableLatency({
          client: pair.client,
          pool1,
          pool2,
          rate: config.latencyRate,
          count,
          pick: workload('many', 7),
        }),
      );
    }
    const rssPeakMb = memory.stop();
    const byPair = (mb, pair) => Object.fromEntries(pair.services.map((s) => [s.name, mb[s.name]]));
    results.rssIdleMb = byPair(rssIdleMb, pairs[0]);
    results.rssPeakMb = byPair(rssPeakMb, pairs[0]);
    results.rssEndMb = Object.fromEntries(pairs[0].services.map((s) => [s.name, rssMb(s.child.pid)]));
    results.naiveRssPeakMb = byPair(rssPeakMb, pairs[1]);
    for (const pair of pairs) pair.client.close();
    await Promise.all(services.map(stopService));

    // The in-process pipelines, with the services stopped.
    const inProcess = [
      {
        key: 'naive',
        label: 'naive in-process',
        open: naivePipeline,
        throughput: naiveThroughput,
        latency: naiveLatency,
      },
      { key: 'floor', label: 'reliable floor in-process', open: floorPipeline, throughput: floorThroughput },
    ];
    for (const { key, label, open, throughput, latency } of inProcess) {
      const pipeline = await open({ rabbitUrl: world.rabbitUrl, pool1, pool2, prefetch: config.prefetch });
      try {
        step(`warm-up: ${label}`);
        await room(config.concurrency + config.prefetch + 8);
        await throughput({ pipeline, n: config.warmup, concurrency: config.concurrency, pick: workload('many', 1) });
        for (const kind of ['many', 'hot']) {
          step(`${kind}: ${label}`);
          results[kind][key] = await withCpu([], () =>
            throughput({ pipeline, n: sizes[kind], concurrency: config.concurrency, pick: workload(kind) }),
          );
        }
        if (latency) {
          step(`latency: ${label} at ${config.latencyRate}/s`);
          results.latency[key] = await withCpu([], () =>
            latency({ pipeline, rate: config.latencyRate, count, pick: workload('many', 7) }),
          );
        }
      } finally {
        await pipeline.close();
      }
    }

    if (config.backlog > 0) await drains(results, { world, runLabel, env, services, pool1, pool2 });
    await Promise.all([pool1.end(), pool2.end()]);

    results.targets = report.targets(results);
    results.ceilings = report.ceilings(results);
    say(`\n${report.throughputTable(results)}\n`);
    if (results.drain) say(`${report.drainTable(results.drain)}\n`);
    say(`${report.cpuTable(results)}\n\n${report.latencyTable(results.latency)}\n`);
    const mb = (name) => ['rssIdleMb', 'rssPeakMb', 'rssEndMb'].map((k) => results[k][name].toFixed(0)).join(' / ');
    const naiveMb = Object.entries(results.naiveRssPeakMb)
      .map(([name, peak]) => `${name} ${peak.toFixed(0)}`)
      .join(', ');
    const drainMb = results.drain
      ? `; backlog drains peak bank1 ${results.drain.relay.reliable.rssPeakMb.toFixed(0)}, bank2 ${results.drain.consumer.reliable.rssPeakMb.toFixed(0)} (ordered: ${results.drain.relay.ordered.rssPeakMb.toFixed(0)}, ${results.drain.consumer.ordered.rssPeakMb.toFixed(0)})`
      : '';
    say(
      `  RSS idle / peak / end of load (MB): ${Object.keys(results.rssPeakMb)
        .map((name) => `${name} ${mb(name)}`)
        .join(
          ', ',
        )}; naive services peak ${naiveMb}${drainMb}${config.serviceNodeOptions ? `; NODE_OPTIONS=${config.serviceNodeOptions}` : '; V8 default heap'}\n`,
    );
    say(report.targetTable(results.targets));
    say(`\n${report.ceilingText(results.ceilings, config.cores, database.label)}`);
    say(`\nwritten to ${path.relative(root, report.writeJson(root, results))}`);
  } catch (error) {
    for (const service of services) say(`--- last log lines of ${service.name} ---\n${service.logs()}`);
    throw error;
  } finally {
    await cleanup();
  }
}

/**
 * The backlog drains, with every service stopped: bank1's relay on committed outbox rows nobody
 * published, against raw confirmed publishing of the same bodies; then bank2 on the messages the
 * relay queued while it was down, against the reliable floor's consumer side. Then both again on
 * a backlog of the same size and mix with ordering keys, bank2 an ordered consumer, against the
 * unordered drain.
 */
async function drains(results, { world, runLabel, env, services, pool1, pool2 }) {
  const n = config.backlog;
  const messages = backlog(n, workload('many', 3));
  const meterFor = (pids) => cpuMeter({ ...pids, ...servers, bench: process.pid });
  const start =
    (name, extra = {}) =>
    async (onSpawn) => {
      const service = await startService(name, { ...env(name), ...extra }, config.serviceNodeArgs, { onSpawn });
      services.push(service);
      return service;
    };
  const step = (text) => say(`  ${text} ...`);
  /** `drain()`'s result with the deadlocks the server counted while it ran. */
  const counted = async (drain) => {
    const before = await deadlocksSoFar();
    const result = await drain();
    const after = await deadlocksSoFar();
    return before === undefined || after === undefined ? result : { ...result, deadlocks: after - before };
  };
  results.drain = { relay: {}, consumer: {} };
  step(`relay drain: ${n} committed outbox rows, bank1 started`);
  results.drain.relay.reliable = await counted(() =>
    relayDrain({
      pool1,
      messages,
      start: start('bank1'),
      stop: stopService,
      meterFor,
    }),
  );
  step(`relay drain: raw amqplib, the same ${n} bodies with confirms, ${config.relayBatch} unconfirmed at most`);
  results.drain.relay.raw = await rawConfirmedPublishing({
    rabbitUrl: world.rabbitUrl,
    messages,
    window: config.relayBatch,
    meterFor,
  });
  step(`consumer drain: ${n} queued transfers, bank2 started`);
  results.drain.consumer.reliable = await counted(() =>
    consumerDrain({
      pool2,
      n,
      start: start('bank2'),
      stop: stopService,
      meterFor,
    }),
  );
  step(`consumer drain: reliable floor in-process`);
  results.drain.consumer.floor = await counted(() =>
    floorConsumerDrain({
      rabbitUrl: world.rabbitUrl,
      pool2,
      prefetch: config.prefetch,
      transfers: backlog(n, workload('many', 5)),
      startMeter: () => meterFor({}),
      timeoutMs: drainTimeoutMs(n),
    }),
  );
  await orderedDrains(results, { n, runLabel, start, meterFor, counted, step, pool1, pool2 });
}

/**
 * The ordered drains: a second backlog like the first (same workload, new transfers), each row
 * keyed by its payer account under a prefix new to the run, relayed by bank1 with bank2 stopped;
 * then bank2 started with TRANSFERS_ORDERED=true and measured as the unordered consumer drain,
 * and checked: every transfer applied once, and for a few keys in their sequence order.
 */
async function orderedDrains(results, { n, runLabel, start, meterFor, counted, step, pool1, pool2 }) {
  const messages = backlog(n, workload('many', 3));
  const orderingPrefix = `bench-${runLabel}`;
  step(`relay drain: ${n} committed outbox rows with ordering keys (${orderingPrefix}-<payer>), bank1 started`);
  results.drain.relay.ordered = await counted(() =>
    relayDrain({ pool1, messages, orderingPrefix, start: start('bank1'), stop: stopService, meterFor }),
  );
  step(`consumer drain: ${n} queued transfers with ordering keys, bank2 started with TRANSFERS_ORDERED=true`);
  const balanceBefore = await balanceCents(pool2);
  results.drain.consumer.ordered = await counted(() =>
    consumerDrain({ pool2, n, start: start('bank2', { TRANSFERS_ORDERED: 'true' }), stop: stopService, meterFor }),
  );
  results.drain.consumer.ordered.check = await checkOrdered({ pool2, messages, orderingPrefix, balanceBefore });
}

main().catch((error) => {
  say(`bench failed: ${error.stack || error.message}`);
  process.exit(1);
});
