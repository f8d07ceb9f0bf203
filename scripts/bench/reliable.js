'use strict';
// The system under test: POST /transfers at bank1 → credited at bank2 (an incoming_transfer row).
const { epochMs } = require('./database');
const { closedLoop, openLoop, until } = require('./load');
const { summary } = require('./stats');

const maxId = async (pool, table) =>
  Number((await pool.query(`SELECT COALESCE(MAX(id), 0) AS id FROM ${table}`)).rows[0].id);
const countSince = async (pool, table, id) =>
  Number((await pool.query(`SELECT COUNT(*) AS n FROM ${table} WHERE id > ?`, [id])).rows[0].n);

/**
 * Waits until bank1 shows no transfer PENDING: the credits have been reported back and applied,
 * so the next phase does not share the machine with this one's tail.
 */
const settle = (pool1, sinceId) =>
  until(
    async () =>
      Number(
        (await pool1.query(`SELECT COUNT(*) AS n FROM transfer WHERE id > ? AND status = 'PENDING'`, [sinceId])).rows[0]
          .n,
      ) === 0,
    'bank1 to complete every transfer',
  );

/**
 * Throughput: `n` transfers on `concurrency` connections; accepted/s and end-to-end credited/s.
 * Then waits for the replies to settle (not timed).
 */
async function reliableThroughput({ client, pool1, pool2, n, concurrency, pick }) {
  const base = await maxId(pool2, 'incoming_transfer');
  const base1 = await maxId(pool1, 'transfer');
  let accepted = 0;
  const failures = new Map();
  const started = performance.now();
  const acceptMs = await closedLoop(n, concurrency, async () => {
    const reply = await client.post('/transfers', pick());
    if (reply.status === 202) accepted++;
    else failures.set(reply.status, (failures.get(reply.status) ?? 0) + 1);
  });
  await until(
    async () => (await countSince(pool2, 'incoming_transfer', base)) >= accepted,
    'bank2 to credit every transfer',
  );
  const e2eMs = performance.now() - started;
  await settle(pool1, base1);
  return {
    transfers: accepted,
    refused: Object.fromEntries(failures),
    acceptedPerSecond: accepted / (acceptMs / 1000),
    seconds: e2eMs / 1000,
    perSecond: accepted / (e2eMs / 1000),
  };
}

/**
 * Milliseconds from bank1's commit (transfer.created_at) to bank2's (incoming_transfer.processed_at)
 * of each transfer after the given ids, both stamped by the same database server's clock. The two
 * databases are read apart and joined here: PostgreSQL has no query across databases.
 */
async function commitToCreditMs(pool1, pool2, base1, base2) {
  const at = async (pool, table, column, base) =>
    (await pool.query(`SELECT tx_no, ${epochMs(column)} AS ms FROM ${table} WHERE id > ?`, [base])).rows;
  const committed = new Map((await at(pool1, 'transfer', 'created_at', base1)).map((r) => [r.tx_no, Number(r.ms)]));
  return (await at(pool2, 'incoming_transfer', 'processed_at', base2))
    .filter((r) => committed.has(r.tx_no))
    .map((r) => Number(r.ms) - committed.get(r.tx_no));
}

/** Latency at a fixed rate: commit at bank1 → commit at bank2 ({@link commitToCreditMs}), and the POST's response time. */
async function reliableLatency({ client, pool1, pool2, rate, count, pick }) {
  const base1 = await maxId(pool1, 'transfer');
  const base2 = await maxId(pool2, 'incoming_transfer');
  const responseMs = [];
  await openLoop(rate, count, async () => {
    const started = performance.now();
    const reply = await client.post('/transfers', pick());
    if (reply.status !== 202) throw new Error(`bank1 answered ${reply.status}: ${reply.body}`);
    responseMs.push(performance.now() - started);
  });
  await until(
    async () => (await countSince(pool2, 'incoming_transfer', base2)) >= count,
    'bank2 to credit every transfer',
  );
  const commitToCredit = await commitToCreditMs(pool1, pool2, base1, base2);
  return { commitToCredit: summary(commitToCredit), postResponse: summary(responseMs) };
}

module.exports = { reliableThroughput, reliableLatency };
