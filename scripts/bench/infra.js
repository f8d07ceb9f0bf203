'use strict';
// The bench's own world: fresh databases bench_bank1/bench_bank2 on the chosen engine
// (./database.js) and a fresh RabbitMQ vhost, removed at the end. Never touches a database whose
// name does not start with "bench_".
const { execFile } = require('node:child_process');
const { promisify } = require('node:util');
const database = require('./database');

const run = promisify(execFile);

const amqpHostPort = process.env.BENCH_AMQP_HOST_PORT || '127.0.0.1:5672';

function assertBenchDatabase(name) {
  if (!/^bench_\w{1,58}$/.test(name))
    throw new Error(`refusing to touch database "${name}": bench databases start with bench_`);
}

async function rabbitmqctl(...args) {
  const [command, ...prefix] = (process.env.RABBITMQCTL || 'rabbitmqctl').split(/\s+/);
  const { stdout } = await run(command, [...prefix, ...args], { timeout: 30_000 });
  return stdout;
}

async function dropBenchDatabases(databases) {
  const names = Object.values(databases);
  for (const name of names) assertBenchDatabase(name);
  await database.dropDatabases(names);
}

/** Drops the bench databases (the services create them again), creates the vhost; returns what the services need. */
async function createWorld(label) {
  const databases = { bank1: `bench_bank1`, bank2: `bench_bank2` };
  await dropBenchDatabases(databases);
  const vhost = `bench_${label}`;
  await rabbitmqctl('add_vhost', vhost);
  await rabbitmqctl('set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*');
  return { databases, vhost, rabbitUrl: `amqp://guest:guest@${amqpHostPort}/${vhost}` };
}

async function destroyWorld(world) {
  try {
    await dropBenchDatabases(world.databases);
  } finally {
    await rabbitmqctl('delete_vhost', world.vhost).catch(() => undefined);
  }
}

/** What the servers are set to, for durability and the record. */
async function serverFacts(pool) {
  const db = await database.serverFacts(pool);
  const rabbitmq = (await rabbitmqctl('version').catch(() => 'unknown')).trim();
  return { database: db, rabbitmq };
}

module.exports = { createWorld, destroyWorld, serverFacts, pool: database.pool, rabbitmqctl };
