'use strict';
// The two baselines, in-process with the engine's driver (mysql2 or pg, ./database.js) and
// amqplib (no Nest, no outbox):
// - raw: the same statements, debit UPDATE + transfer INSERT in one transaction, then the credit
//   UPDATE in another, at the same concurrency;
// - naive: commit at "bank1", then publish without confirms; a consumer applies the credit.
const amqp = require('amqplib');
const { randomUUID } = require('node:crypto');
const { once } = require('node:events');
const { closedLoop, openLoop, until } = require('./load');
const { summary } = require('./stats');

const DEBIT = `UPDATE account_info SET balance = balance - CAST(? AS DECIMAL(18,2))
                WHERE account_no = ? AND balance >= CAST(? AS DECIMAL(18,2))`;
const RECORD = `INSERT INTO transfer (tx_no, from_account_no, to_account_no, amount, status)
                VALUES (?, ?, ?, CAST(? AS DECIMAL(18,2)), 'PENDING')`;
const CREDIT = 'UPDATE account_info SET balance = balance + CAST(? AS DECIMAL(18,2)) WHERE account_no = ?';

/** `work(connection)` in one transaction of `pool` (./database.js): committed, or rolled back when it throws. */
const inTransaction = (pool, work) => pool.transaction(work);

/** Debit + transfer row, committed; false when the account cannot pay. */
function debit(pool1, { fromAccountNo, toAccountNo, amount }) {
  return inTransaction(pool1, async (c) => {
    const result = await c.query(DEBIT, [amount, fromAccountNo, amount]);
    if (result.affected !== 1) return false;
    await c.query(RECORD, [randomUUID(), fromAccountNo, toAccountNo, amount]);
    return true;
  });
}

function credit(pool2, { toAccountNo, amount }) {
  return inTransaction(pool2, (c) => c.query(CREDIT, [amount, toAccountNo]));
}

async function rawThroughput({ pool1, pool2, n, concurrency, pick }) {
  let done = 0;
  const ms = await closedLoop(n, concurrency, async () => {
    const transfer = pick();
    if (await debit(pool1, transfer)) {
      await credit(pool2, transfer);
      done++;
    }
  });
  return {
    transfers: done,
    seconds: ms / 1000,
    perSecond: done / (ms / 1000),
    commitsPerSecond: (2 * done) / (ms / 1000),
  };
}

/** A naive pipeline on its own queue: `send(transfer)` commits and publishes; the consumer credits. */
async function naivePipeline({ rabbitUrl, pool1, pool2, prefetch }) {
  const queue = 'bench.naive.credit';
  // The same socket setting as the library (Nagle off), so the baseline differs only by the outbox.
  const connection = await amqp.connect(rabbitUrl, { noDelay: true });
  const publisher = await connection.createChannel();
  const consumer = await connection.createChannel();
  await publisher.assertQueue(queue, { durable: true });
  await consumer.prefetch(prefetch);
  const state = { credited: 0, latencyMs: [] };
  await consumer.consume(queue, async (message) => {
    const transfer = JSON.parse(message.content.toString());
    await credit(pool2, transfer);
    state.latencyMs.push(performance.timeOrigin + performance.now() - transfer.committedAt);
    state.credited++;
    consumer.ack(message);
  });
  const send = async (transfer) => {
    if (!(await debit(pool1, transfer))) return false;
    const body = Buffer.from(JSON.stringify({ ...transfer, committedAt: performance.timeOrigin + performance.now() }));
    if (!publisher.sendToQueue(queue, body, { persistent: true, messageId: randomUUID() }))
      await once(publisher, 'drain');
    return true;
  };
  return { state, send, close: () => connection.close() };
}

async function naiveThroughput({ pipeline, n, concurrency, pick }) {
  const base = pipeline.state.credited;
  let sent = 0;
  const started = performance.now();
  await closedLoop(n, concurrency, async () => {
    if (await pipeline.send(pick())) sent++;
  });
  await until(() => pipeline.state.credited - base >= sent, 'the naive consumer to credit every transfer');
  const ms = performance.now() - started;
  return { transfers: sent, seconds: ms / 1000, perSecond: sent / (ms / 1000) };
}

async function naiveLatency({ pipeline, rate, count, pick }) {
  const base = pipeline.state.credited;
  pipeline.state.latencyMs = [];
  await openLoop(rate, count, () => pipeline.send(pick()));
  await until(() => pipeline.state.credited - base >= count, 'the naive consumer to credit every transfer');
  return { commitToCredit: summary(pipeline.state.latencyMs) };
}

module.exports = { DEBIT, RECORD, CREDIT, inTransaction, rawThroughput, naivePipeline, naiveThroughput, naiveLatency };
