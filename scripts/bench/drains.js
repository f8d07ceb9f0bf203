'use strict';
// Backlogs: how fast txmsg catches up after an outage, against what the same traffic costs
// without it, in the same run.
// - relay: committed outbox rows nobody published (bank1 was down), then bank1 starts and its
//   relay publishes them all; against raw amqplib publishing the same bodies with confirms, with
//   as many unconfirmed at a time as the relay's batch.
// - consumer: transfer messages queued while bank2 was down, then bank2 starts and applies them
//   with dedup; against the reliable floor's consumer side (scripts/bench/floor.js).
// - ordered: the same two drains again on a backlog whose rows carry an ordering key (the payer
//   account) and its sequence, bank2 an ordered consumer (TRANSFERS_ORDERED=true); against the
//   unordered consumer drain, to show what applying each key in order costs.
// Rates are taken between the first and the last message done (the services' own start-up is
// not counted), from the database's timestamps for the services, and the CPU over the same window.
const amqp = require('amqplib');
const { randomUUID } = require('node:crypto');
const { dialect, microsBetween } = require('./database');
const { until } = require('./load');
const { watchMemory } = require('./services');

const STARTED = 'bank1.transfer.started';
// The library's ordering headers (libs/txmsg/src/ordering/ordering-headers.ts).
const ORDERING_KEY = 'x-txmsg-ordering-key';
const ORDERING_SEQ = 'x-txmsg-seq';
const CHUNK = 1000; // rows per INSERT while seeding
const POLL_MS = 100;

/** `n` transfers of a workload as backlog messages: ids, and the payload bank1 writes. */
function backlog(n, pick) {
  return Array.from({ length: n }, () => {
    const { fromAccountNo, toAccountNo, amount } = pick();
    const txNo = randomUUID();
    return {
      txNo,
      fromAccountNo,
      toAccountNo,
      amount,
      messageId: randomUUID(),
      correlationId: randomUUID(),
      payload: JSON.stringify({ txNo, fromAccountNo, toAccountNo, amount }),
    };
  });
}

/** A generous deadline for draining `n` messages on a slow, shared machine. */
const drainTimeoutMs = (n) => 120_000 + n * 20;

/**
 * Writes `messages` into bank1 as its transfer handler leaves them when nobody publishes: a
 * PENDING transfer row and a due READY outbox row each, the row's other columns copied from a
 * `bank1.transfer.started` row the library wrote earlier in the run. bank1 must not be running.
 * With `orderingPrefix`, each row's headers also carry the ordering key `<prefix>-<fromAccountNo>`
 * and its sequence, 1, 2, 3… per key in backlog order, as the outbox writer numbers them: the
 * prefix is new to the run, so no earlier message of the key exists. Returns the outbox id the
 * backlog starts after.
 */
async function seedOutbox(pool1, messages, { orderingPrefix } = {}) {
  const {
    rows: [template],
  } = await pool1.query(
    `SELECT type, exchange, routing_key, ${dialect.jsonText('headers')} AS headers, tx_group
       FROM txmsg_outbox WHERE routing_key = ? ORDER BY id DESC LIMIT 1`,
    [STARTED],
  );
  if (!template) throw new Error(`no ${STARTED} row in bank1's outbox to copy the shape from`);
  const { base } = (await pool1.query('SELECT COALESCE(MAX(id), 0) AS base FROM txmsg_outbox')).rows[0];
  const headersOf = orderingPrefix === undefined ? () => template.headers : orderedHeaders(template, orderingPrefix);
  for (let i = 0; i < messages.length; i += CHUNK) {
    const chunk = messages.slice(i, i + CHUNK);
    await pool1.insertRows(
      'transfer',
      ['tx_no', 'from_account_no', 'to_account_no', 'amount', 'status'],
      chunk.map((m) => [m.txNo, m.fromAccountNo, m.toAccountNo, m.amount, 'PENDING']),
    );
    await pool1.insertRows(
      'txmsg_outbox',
      ['message_id', 'type', 'exchange', 'routing_key', 'payload', 'headers', 'correlation_id', 'status', 'tx_group'],
      chunk.map((m) => [
        m.messageId,
        template.type,
        template.exchange,
        template.routing_key,
        m.payload,
        headersOf(m),
        m.correlationId,
        'READY',
        template.tx_group,
      ]),
    );
  }
  return Number(base);
}

/** The headers JSON of each backlog message in turn: the template's, with the message's ordering key and sequence. */
function orderedHeaders(template, prefix) {
  const headers = template.headers ? JSON.parse(template.headers) : {};
  const seqs = new Map();
  return (m) => {
    const key = orderingKeyOf(prefix, m);
    const seq = (seqs.get(key) ?? 0) + 1;
    seqs.set(key, seq);
    return JSON.stringify({ ...headers, [ORDERING_KEY]: key, [ORDERING_SEQ]: seq });
  };
}

/** The ordering key a backlog message gets under `prefix`: its payer account's, as bank1 would key it. */
const orderingKeyOf = (prefix, m) => `${prefix}-${m.fromAccountNo}`;

/**
 * Waits for `started()` (the first message done), starts the CPU meter, waits for `finished()`,
 * and returns the meter's figures per message done in between (`count()` before and after).
 */
async function meteredWindow({ started, finished, count, meterFor, n, what }) {
  const timeoutMs = drainTimeoutMs(n);
  await until(started, `${what} to start`, timeoutMs, POLL_MS);
  const meter = meterFor();
  const before = await count();
  await until(finished, `${what} to finish`, timeoutMs, POLL_MS);
  return meter.stop(n - before);
}

/** Messages/s between the first and the last timestamp of `column` (the first group not counted). */
async function rateFromTimestamps(pool, table, column, afterId) {
  const {
    rows: [row],
  } = await pool.query(
    `SELECT COUNT(*) AS n, ${microsBetween(`MIN(${column})`, `MAX(${column})`)} AS us,
            SUM(CASE WHEN ${column} = (SELECT MIN(${column}) FROM ${table} WHERE id > ?) THEN 1 ELSE 0 END) AS first
       FROM ${table} WHERE id > ?`,
    [afterId, afterId],
  );
  const seconds = Number(row.us) / 1e6;
  return { messages: Number(row.n), seconds, perSecond: (Number(row.n) - Number(row.first)) / seconds };
}

/**
 * The relay's drain: seeds the backlog with bank1 stopped (with ordering keys under
 * `orderingPrefix` when given), starts bank1 (`start(onSpawn)`), and measures until every row is
 * PUBLISHED. Stops bank1 afterwards.
 */
async function relayDrain({ pool1, messages, orderingPrefix, start, stop, meterFor }) {
  const base = await seedOutbox(pool1, messages, { orderingPrefix });
  let pid;
  const service = await start((child) => (pid = child.pid));
  const memory = watchMemory([service]);
  try {
    const exists = async (sql) => (await pool1.query(sql, [base])).rows.length > 0;
    const cpu = await meteredWindow({
      n: messages.length,
      what: "bank1's relay",
      started: () => exists(`SELECT id FROM txmsg_outbox WHERE status = 'PUBLISHED' AND id > ? LIMIT 1`),
      finished: async () => !(await exists(`SELECT id FROM txmsg_outbox WHERE status = 'READY' AND id > ? LIMIT 1`)),
      count: async () =>
        Number(
          (await pool1.query(`SELECT COUNT(*) AS n FROM txmsg_outbox WHERE status = 'PUBLISHED' AND id > ?`, [base]))
            .rows[0].n,
        ),
      meterFor: () => meterFor({ bank1: pid }),
    });
    const rate = await rateFromTimestamps(pool1, 'txmsg_outbox', 'finished_at', base);
    return { ...rate, cpu, rssPeakMb: memory.stop()[service.name] };
  } finally {
    memory.stop();
    await stop(service);
  }
}

/**
 * Raw amqplib: `messages` published with confirms, `window` unconfirmed at most, persistent and
 * mandatory with the properties the library sets, through a topic exchange to one durable queue
 * of the services' type (classic); the queue is deleted afterwards.
 */
async function rawConfirmedPublishing({ rabbitUrl, messages, window, meterFor }) {
  const exchange = 'bench.raw';
  const queue = 'bench.raw.drain';
  const connection = await amqp.connect(rabbitUrl, { noDelay: true });
  try {
    const channel = await connection.createConfirmChannel();
    await channel.assertExchange(exchange, 'topic', { durable: true });
    await channel.assertQueue(queue, { durable: true });
    await channel.bindQueue(queue, exchange, STARTED);
    const meter = meterFor({});
    let inFlight = 0;
    let failed = 0;
    let wake;
    const started = performance.now();
    for (const [i, m] of messages.entries()) {
      while (inFlight >= window) await new Promise((resolve) => (wake = resolve));
      inFlight++;
      const now = Date.now();
      channel.publish(
        exchange,
        STARTED,
        Buffer.from(m.payload),
        {
          persistent: true,
          mandatory: true,
          contentType: 'application/json',
          contentEncoding: 'utf-8',
          messageId: m.messageId,
          type: STARTED,
          appId: 'bank1',
          timestamp: Math.floor(now / 1000),
          correlationId: m.correlationId,
          headers: { 'x-txmsg-time': now, 'x-txmsg-publish': String(i) },
        },
        (error) => {
          if (error) failed++;
          inFlight--;
          wake?.();
          wake = undefined;
        },
      );
    }
    await channel.waitForConfirms();
    const seconds = (performance.now() - started) / 1000;
    const cpu = meter.stop(messages.length);
    if (failed > 0) throw new Error(`the broker refused ${failed} raw publishes`);
    await channel.deleteQueue(queue);
    await channel.deleteExchange(exchange);
    return { messages: messages.length, seconds, perSecond: messages.length / seconds, window, cpu };
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/**
 * The consumer's drain: bank2's queue already holds `n` transfer messages (the relay's drain
 * published them while bank2 was stopped); starts bank2 and measures until it has applied them
 * all (incoming_transfer rows). Stops bank2 afterwards.
 */
async function consumerDrain({ pool2, n, start, stop, meterFor }) {
  const base = Number((await pool2.query('SELECT COALESCE(MAX(id), 0) AS base FROM incoming_transfer')).rows[0].base);
  const count = async () =>
    Number((await pool2.query('SELECT COUNT(*) AS n FROM incoming_transfer WHERE id > ?', [base])).rows[0].n);
  let pid;
  const service = await start((child) => (pid = child.pid));
  const memory = watchMemory([service]);
  try {
    const cpu = await meteredWindow({
      n,
      what: 'bank2 to apply the backlog',
      started: async () =>
        (await pool2.query('SELECT id FROM incoming_transfer WHERE id > ? LIMIT 1', [base])).rows.length > 0,
      // MAX(id) is cheap; COUNT only once it says the backlog may be through (ids can have gaps).
      finished: async () =>
        Number((await pool2.query('SELECT COALESCE(MAX(id), 0) AS id FROM incoming_transfer')).rows[0].id) - base >=
          n && (await count()) >= n,
      count,
      meterFor: () => meterFor({ bank2: pid }),
    });
    const rate = await rateFromTimestamps(pool2, 'incoming_transfer', 'processed_at', base);
    return { ...rate, cpu, rssPeakMb: memory.stop()[service.name] };
  } finally {
    memory.stop();
    await stop(service);
  }
}

module.exports = { backlog, drainTimeoutMs, orderingKeyOf, relayDrain, rawConfirmedPublishing, consumerDrain };
