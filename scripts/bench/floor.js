'use strict';
// The reliable floor: what a txmsg transfer asks of the database and RabbitMQ, done in the bench
// process with the engine's driver (mysql2 or pg, ./database.js) and amqplib and nothing else (no
// HTTP, no Nest, no TypeORM). Per transfer, the statements the services send (the database's
// log of one transfer), in the library's form for the engine (libs/txmsg/src/store/):
//   bank1: outbox row + transfer row + conditional debit, one transaction; publish with confirm;
//          mark the outbox row PUBLISHED (batched, as the library does);
//   bank2: dedup row + incoming_transfer row + credit + reply outbox row, one transaction; ack;
//          publish the reply with confirm; mark it PUBLISHED;
//   bank1: dedup row + transfer COMPLETED, one transaction; ack.
// On PostgreSQL the dedup and incoming_transfer inserts carry ON CONFLICT DO NOTHING RETURNING,
// as there a duplicate must not abort the transaction; MariaDB/MySQL take the plain INSERTs.
// No implementation of this design can be faster on the same servers than this, apart from
// batching more; its throughput is the ceiling the framework's overhead is measured against.
const amqp = require('amqplib');
const { createHash, randomUUID } = require('node:crypto');
const { CREDIT, DEBIT, RECORD, inTransaction } = require('./baselines');
const { dialect: d, insertUnlessDuplicate } = require('./database');
const { closedLoop, until } = require('./load');

const EXCHANGE = 'bench.floor';
const STARTED = 'bench.floor.started';
const CREDITED = 'bench.floor.credited';
/** bank1's transactional listener group, which the library writes into its outbox rows. */
const TRANSFER_GROUP = 'bank1-transfer';
/** Due only after the library's grace period for commit-time dispatch (6 s), as the services write it. */
const DUE_IN_MICROS = 6_000_000;

// OutboxStore.insert, markPublished; DedupStore.record (fresh); the services' own statements.
const OUTBOX = `INSERT INTO txmsg_outbox
    (message_id, type, exchange, routing_key, payload, headers, correlation_id, trace_context, status, tx_group,
     next_attempt_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ${d.nowPlusMicros})`;
const PUBLISHED = `UPDATE txmsg_outbox SET status = 'PUBLISHED', attempts = attempts + 1, finished_at = ${d.now}, last_error = NULL
  WHERE ${d.anyOf('message_id')} AND status = 'READY'`;
const DEDUP = insertUnlessDuplicate(
  'INSERT INTO txmsg_dedup (consumer, dedup_key, message_id, payload_hash) VALUES (?, ?, ?, ?)',
  'consumer, dedup_key',
  'fresh',
);
const INCOMING = insertUnlessDuplicate(
  `INSERT INTO incoming_transfer (tx_no, from_account_no, to_account_no, amount, status)
  VALUES (?, ?, ?, CAST(? AS DECIMAL(18,2)), 'CREDITED')`,
  'tx_no',
  'inserted',
);
const COMPLETE = `UPDATE transfer SET status = 'COMPLETED' WHERE tx_no = ? AND status = 'PENDING'`;

/** The outbox row's parameters, as the library's writer fills them. */
const outboxRow = (messageId, type, routingKey, payload, correlationId, group) => [
  ...[messageId, type, EXCHANGE, routingKey, payload, null, correlationId, null],
  ...['READY', group, DUE_IN_MICROS],
];

/** The body's hash the library's consumer keeps in its dedup row: routing key and body. */
const payloadHash = (routingKey, content) =>
  createHash('sha256').update(routingKey).update('\0').update(content).digest('hex');

/** The dedup row of a delivery, in the consumer's transaction `c`; a duplicate fails the delivery. */
async function dedup(c, consumer, key, message) {
  const hash = payloadHash(message.routingKey, message.content);
  const result = await c.query(DEDUP.statement, [consumer, key, message.messageId, hash]);
  if (!DEDUP.inserted(result)) throw new Error(`duplicate delivery of ${message.messageId}`);
}

class Declined extends Error {}

/** One UPDATE … PUBLISHED for every message confirmed while the previous one ran. */
function publishedMarker(pool) {
  let waiting = [];
  let running;
  const flush = async () => {
    while (waiting.length > 0) {
      const ids = waiting;
      waiting = [];
      await pool.query(PUBLISHED, [ids]);
    }
    running = undefined;
  };
  return (id) => {
    waiting.push(id);
    running ??= flush();
    return running;
  };
}

/** bank1's side of POST /transfers, committed: the message to send, or undefined when the account cannot pay. */
async function startTransfer(pool1, { fromAccountNo, toAccountNo, amount }) {
  const txNo = randomUUID();
  const messageId = randomUUID();
  const correlationId = randomUUID();
  const payload = JSON.stringify({ txNo, fromAccountNo, toAccountNo, amount });
  try {
    await inTransaction(pool1, async (c) => {
      await c.query(
        OUTBOX,
        outboxRow(messageId, 'bank1.transfer.started', STARTED, payload, correlationId, TRANSFER_GROUP),
      );
      await c.query(RECORD, [txNo, fromAccountNo, toAccountNo, amount]);
      const debited = await c.query(DEBIT, [amount, fromAccountNo, amount]);
      if (debited.affected !== 1) throw new Declined();
    });
  } catch (error) {
    if (error instanceof Declined) return undefined;
    throw error;
  }
  return { messageId, payload, correlationId };
}

/** A delivery as the consumers see it: the parsed body, its bytes, message id, routing key and correlation id. */
const delivery = (message) => ({
  body: JSON.parse(message.content.toString()),
  content: message.content,
  messageId: message.properties.messageId,
  correlationId: message.properties.correlationId,
  routingKey: message.fields.routingKey,
});

/** bank2's consumer, committed: the reply message to send. */
async function creditTransfer(pool2, message) {
  const transfer = message.body;
  const replyId = randomUUID();
  const reply = JSON.stringify({ txNo: transfer.txNo, toAccountNo: transfer.toAccountNo, amount: transfer.amount });
  await inTransaction(pool2, async (c) => {
    await dedup(c, 'CreditOnTransferStartedConsumer.handle', transfer.txNo, message);
    const { txNo, fromAccountNo, toAccountNo, amount } = transfer;
    const incoming = await c.query(INCOMING.statement, [txNo, fromAccountNo, toAccountNo, amount]);
    if (!INCOMING.inserted(incoming)) throw new Error(`transfer ${transfer.txNo} credited twice`);
    await c.query(CREDIT, [transfer.amount, transfer.toAccountNo]);
    await c.query(
      OUTBOX,
      outboxRow(replyId, 'bank2.transfer.credited', CREDITED, reply, message.correlationId ?? null, null),
    );
  });
  return { messageId: replyId, payload: reply, correlationId: message.correlationId };
}

/** bank1's consumer of the reply, committed. */
function completeTransfer(pool1, message) {
  return inTransaction(pool1, async (c) => {
    await dedup(c, 'CompleteOnTransferCreditedConsumer.handle', message.body.txNo, message);
    await c.query(COMPLETE, [message.body.txNo]);
  });
}

async function floorPipeline({ rabbitUrl, pool1, pool2, prefetch }) {
  const connection = await amqp.connect(rabbitUrl, { noDelay: true });
  const publisher = await connection.createConfirmChannel();
  await publisher.assertExchange(EXCHANGE, 'topic', { durable: true });
  for (const queue of [STARTED, CREDITED]) {
    await publisher.assertQueue(queue, { durable: true });
    await publisher.bindQueue(queue, EXCHANGE, queue);
  }
  const marks = { bank1: publishedMarker(pool1), bank2: publishedMarker(pool2) };
  const publish = (bank, routingKey, { messageId, payload, correlationId }) =>
    new Promise((resolve, reject) =>
      publisher.publish(
        EXCHANGE,
        routingKey,
        Buffer.from(payload),
        { persistent: true, messageId, correlationId, contentType: 'application/json' },
        (error) => (error ? reject(error) : resolve()),
      ),
    ).then(() => marks[bank](messageId));
  const state = { credited: 0, completed: 0, failed: 0 };
  const consume = async (queue, handle) => {
    const channel = await connection.createChannel();
    await channel.prefetch(prefetch);
    await channel.consume(queue, (message) =>
      handle(delivery(message))
        .then(() => channel.ack(message))
        .catch(() => {
          state.failed++;
          channel.nack(message, false, false);
        }),
    );
  };

  await consume(STARTED, async (message) => {
    const reply = await creditTransfer(pool2, message);
    state.credited++;
    publish('bank2', CREDITED, reply).catch(() => state.failed++);
  });
  await consume(CREDITED, async (message) => {
    await completeTransfer(pool1, message);
    state.completed++;
  });

  /** bank1's side of POST /transfers: false when the account cannot pay. */
  const send = async (transfer) => {
    const message = await startTransfer(pool1, transfer);
    if (!message) return false;
    await publish('bank1', STARTED, message);
    return true;
  };
  return { state, send, close: () => connection.close() };
}

/** `n` transfers on `concurrency` workers, timed until bank2 credited them all (as for txmsg). */
async function floorThroughput({ pipeline, n, concurrency, pick }) {
  const { state } = pipeline;
  const base = { credited: state.credited, completed: state.completed };
  let sent = 0;
  const started = performance.now();
  await closedLoop(n, concurrency, async () => {
    if (await pipeline.send(pick())) sent++;
  });
  await until(() => state.failed > 0 || state.credited - base.credited >= sent, 'the floor to credit every transfer');
  const ms = performance.now() - started;
  await until(
    () => state.failed > 0 || state.completed - base.completed >= sent,
    'the floor to complete every transfer',
  );
  if (state.failed > 0) throw new Error(`the reliable floor failed ${state.failed} messages`);
  return { transfers: sent, seconds: ms / 1000, perSecond: sent / (ms / 1000) };
}

const DRAIN = 'bench.floor.drain';

/**
 * The floor's consumer side on a backlog, against bank2 draining its queue: `transfers` are
 * queued first (confirmed, not timed), then consumed as bank2 consumes them: dedup row +
 * incoming_transfer + credit + reply outbox row in one transaction, ack, reply published with a
 * confirm and marked PUBLISHED. `startMeter()` is called at the first credit and its meter
 * stopped at the last, so the CPU and the time cover the same messages. Resolves to the
 * messages/s between the first credit and the last, and the CPU per message.
 */
async function floorConsumerDrain({ rabbitUrl, pool2, prefetch, transfers, startMeter, timeoutMs }) {
  const connection = await amqp.connect(rabbitUrl, { noDelay: true });
  try {
    const publisher = await connection.createConfirmChannel();
    await publisher.assertExchange(EXCHANGE, 'topic', { durable: true });
    for (const queue of [DRAIN, CREDITED]) {
      await publisher.assertQueue(queue, { durable: true });
      await publisher.bindQueue(queue, EXCHANGE, queue);
    }
    await publisher.purgeQueue(CREDITED);
    for (const transfer of transfers) {
      const payload = JSON.stringify({
        txNo: transfer.txNo,
        fromAccountNo: transfer.fromAccountNo,
        toAccountNo: transfer.toAccountNo,
        amount: transfer.amount,
      });
      publisher.publish(EXCHANGE, DRAIN, Buffer.from(payload), {
        persistent: true,
        messageId: transfer.messageId,
        correlationId: transfer.correlationId,
        contentType: 'application/json',
      });
    }
    await publisher.waitForConfirms();

    const mark = publishedMarker(pool2);
    const replies = new Set();
    const state = { credited: 0, failed: 0 };
    let meter;
    let first;
    let last;
    const channel = await connection.createChannel();
    await channel.prefetch(prefetch);
    const { consumerTag } = await channel.consume(DRAIN, (message) =>
      creditTransfer(pool2, delivery(message))
        .then((reply) => {
          last = performance.now();
          if (state.credited++ === 0) {
            first = last;
            meter = startMeter();
          }
          channel.ack(message);
          const published = new Promise((resolve, reject) =>
            publisher.publish(
              EXCHANGE,
              CREDITED,
              Buffer.from(reply.payload),
              {
                persistent: true,
                messageId: reply.messageId,
                correlationId: reply.correlationId,
                contentType: 'application/json',
              },
              (error) => (error ? reject(error) : resolve()),
            ),
          )
            .then(() => mark(reply.messageId))
            .catch(() => state.failed++);
          replies.add(published);
          void published.finally(() => replies.delete(published));
        })
        .catch(() => {
          state.failed++;
          channel.nack(message, false, false);
        }),
    );
    await until(
      () => state.failed > 0 || state.credited >= transfers.length,
      'the floor to credit the backlog',
      timeoutMs,
      100,
    );
    const cpu = meter.stop(state.credited - 1);
    await channel.cancel(consumerTag);
    await Promise.all([...replies]);
    if (state.failed > 0) throw new Error(`the reliable floor failed ${state.failed} messages of the backlog`);
    await publisher.deleteQueue(DRAIN);
    await publisher.purgeQueue(CREDITED);
    const seconds = (last - first) / 1000;
    return { messages: state.credited, seconds, perSecond: (state.credited - 1) / seconds, cpu };
  } finally {
    await connection.close().catch(() => undefined);
  }
}

module.exports = { floorPipeline, floorThroughput, floorConsumerDrain };
