'use strict';
// The bench's own world: fresh databases bench_bank1/bench_bank2 and a fresh RabbitMQ vhost,
// removed at the end. Never touches a database whose name does not start with "bench_".
const { execFile } = require('node:child_process');
const { promisify } = require('node:util');
const mysql = require('mysql2/promise');

const run = promisify(execFile);

const server = {
  host: process.env.DB_HOST || '127.0.0.1',
  port: Number(process.env.DB_PORT || 3306),
  user: process.env.DB_USER || 'root',
  password: process.env.DB_PASSWORD || '',
};
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

/** Drops and recreates the bench databases, creates the vhost; returns what the services need. */
async function createWorld(label) {
  const databases = { bank1: `bench_bank1`, bank2: `bench_bank2` };
  const admin = await mysql.createConnection(server);
  try {
    for (const name of Object.values(databases)) {
      assertBenchDatabase(name);
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    }
  } finally {
    await admin.end();
  }
  const vhost = `bench_${label}`;
  await rabbitmqctl('add_vhost', vhost);
  await rabbitmqctl('set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*');
  return { server, databases, vhost, rabbitUrl: `amqp://guest:guest@${amqpHostPort}/${vhost}` };
}

async function destroyWorld(world) {
  const admin = await mysql.createConnection(server);
  try {
    for (const name of Object.values(world.databases)) {
      assertBenchDatabase(name);
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    }
  } finally {
    await admin.end();
  }
  await rabbitmqctl('delete_vhost', world.vhost).catch(() => undefined);
}

/** What the servers are set to, for durability and the record. */
async function serverFacts(pool) {
  const [vars] = await pool.query(
    `SHOW GLOBAL VARIABLES WHERE Variable_name IN
       ('version', 'innodb_flush_log_at_trx_commit', 'sync_binlog', 'log_bin', 'innodb_buffer_pool_size', 'innodb_doublewrite')`,
  );
  const mariadb = Object.fromEntries(vars.map((v) => [v.Variable_name, v.Value]));
  const rabbitmq = (await rabbitmqctl('version').catch(() => 'unknown')).trim();
  return { mariadb, rabbitmq };
}

function pool(database, connectionLimit) {
  return mysql.createPool({ ...server, database, connectionLimit, supportBigNumbers: true, bigNumberStrings: true });
}

module.exports = { createWorld, destroyWorld, serverFacts, pool, rabbitmqctl };
