import { waitFor } from '@txmsg/nestjs/testing';
import { setTimeout as delay } from 'node:timers/promises';
import { createConnection } from 'mysql2/promise';
import { FAST_BANK_ENV, seedAccounts } from './support/banks';
import { percentile } from './support/percentile';
import type { ServiceProcess } from './support/service-process';
import { TcpProxy } from './support/tcp-proxy';
import { TestStack } from './support/test-stack';

/** Transfers per second: modest, so the shared machine's CPU is not what the latencies measure. */
const RATE = 25;
const WARM_UP_MS = 3_000;
/**
 * Each of the two baselines, before the outage and after the backlog it left has drained: 500
 * transfers, enough for a p99 to compare. Two, so that a machine that got busier (or quieter)
 * during the test does not decide the comparison.
 */
const BASELINE_MS = 20_000;
const OUTAGE_MS = 60_000;
/**
 * An answer this slow during the outage is a stall (see the verdict): the relay that held its
 * transaction open through each confirm timeout made transfers wait for seconds.
 */
const STALL_MS = 2000;
const SOURCES = Array.from({ length: 20 }, (_, i) => String(1000 + i));

interface Load {
  latencies: number[];
  /** Each answer's latency with when its request was sent, in ms since the load began. */
  timeline: Array<[sentAtMs: number, latencyMs: number]>;
  txNos: string[];
  failures: string[];
}

/**
 * Sends `RATE` transfers a second for `durationMs`, each at its planned time whether or not the
 * earlier ones have answered (an open load, so a slow answer cannot slow down the load itself).
 */
async function load(bank1: ServiceProcess, durationMs: number): Promise<Load> {
  const result: Load = { latencies: [], timeline: [], txNos: [], failures: [] };
  const started = Date.now();
  const sent: Promise<void>[] = [];
  for (let i = 0; i < (durationMs * RATE) / 1000; i++) {
    const due = started + (i * 1000) / RATE;
    if (due > Date.now()) await delay(due - Date.now()); // pacing the load, not waiting for an outcome
    const fromAccountNo = SOURCES[i % SOURCES.length];
    const at = performance.now();
    sent.push(
      postTransfer(bank1, { fromAccountNo, toAccountNo: '2', amount: '1.00' }).then(
        async (response) => {
          const body = await response.json();
          const latency = performance.now() - at;
          result.latencies.push(latency);
          result.timeline.push([Math.round(due - started), Math.round(latency)]);
          if (response.status === 202) result.txNos.push(body.txNo);
          else result.failures.push(`${response.status} ${JSON.stringify(body)}`);
        },
        (error: Error) => void result.failures.push(error.message),
      ),
    );
  }
  await Promise.all(sent);
  return result;
}

/**
 * `POST /transfers`, waiting as long as it takes: a slow answer is a latency to measure, and an
 * abandoned request might still commit a transfer the test would not know of.
 */
function postTransfer(bank1: ServiceProcess, body: object): Promise<Response> {
  return fetch(`${bank1.url}/transfers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
}

interface LongTransaction {
  trx_id: string;
  trx_started: Date;
  trx_state: string;
  trx_isolation_level: string;
  trx_rows_locked: number;
  trx_rows_modified: number;
  trx_query: string | null;
  command: string;
  /** What a waiting transaction waits for: the lock (index, key) and the query of its holder. */
  waits_for: string | null;
}

/**
 * Polls InnoDB, until stopped, for transactions of `service`'s database open longer than 1 s.
 * `trx_started` has whole seconds only; comparing it with the whole-second `NOW()` flags a
 * transaction only once it has certainly been open more than 1 s (and always by 2 s).
 */
async function watchTransactions(service: ServiceProcess) {
  const { DB_HOST, DB_PORT, DB_USER, DB_PASSWORD, DB_NAME } = service.env;
  const connection = await createConnection({
    host: DB_HOST,
    port: Number(DB_PORT),
    user: DB_USER,
    password: DB_PASSWORD,
  });
  const seen = new Map<string, LongTransaction>();
  let running = true;
  const loop = (async () => {
    while (running) {
      const [rows] = await connection.query(
        `SELECT t.trx_id, t.trx_started, t.trx_state, t.trx_isolation_level, t.trx_rows_locked, t.trx_rows_modified,
                t.trx_query, p.command,
                (SELECT GROUP_CONCAT(CONCAT(l.lock_mode, ' ', l.lock_index, ' ', COALESCE(l.lock_data, ''), ' held by ', b.trx_id, ': ',
                                            COALESCE(b.trx_query, '(idle)')) SEPARATOR '; ')
                   FROM information_schema.innodb_lock_waits w
                   JOIN information_schema.innodb_locks l ON l.lock_id = w.blocking_lock_id
                   JOIN information_schema.innodb_trx b ON b.trx_id = w.blocking_trx_id
                  WHERE w.requesting_trx_id = t.trx_id) AS waits_for
           FROM information_schema.innodb_trx t JOIN information_schema.processlist p ON p.id = t.trx_mysql_thread_id
          WHERE p.db = ? AND t.trx_started < NOW() - INTERVAL 1 SECOND`,
        [DB_NAME],
      );
      for (const row of rows as LongTransaction[]) {
        seen.set(`${row.trx_id}@${new Date(row.trx_started).toISOString()}`, row);
      }
      await delay(200); // the polling period
    }
  })();
  /** Stops polling; returns every transaction seen open longer than 1 s. */
  async function stop(): Promise<LongTransaction[]> {
    running = false;
    await loop.finally(() => connection.end());
    return [...seen.values()];
  }
  return { stop };
}

// With bank1 cut off from RabbitMQ, accepting transfers must not get slower (only the database is
// needed to accept one), and the library must not hold a database transaction across a publish
// that cannot be confirmed; once the broker is back, every transfer arrives, exactly once.
describe('bank1 with RabbitMQ unreachable', () => {
  let stack: TestStack;
  let link: TcpProxy;
  let bank1: ServiceProcess;
  let bank2: ServiceProcess;

  beforeAll(async () => {
    stack = await TestStack.create('broker_outage');
    link = await TcpProxy.start('127.0.0.1', 5672);
    // A short back-off ceiling, so what waited out the outage goes soon after it.
    const env = { ...FAST_BANK_ENV, TXMSG_RELAY_RETRY_MAX: '5s' };
    [bank1, bank2] = await Promise.all([
      stack.start('bank1', { ...env, RABBITMQ_URL: stack.rabbitUrl.replace(':5672/', `:${link.port}/`) }),
      stack.start('bank2', env),
    ]);
    await seedAccounts(
      stack,
      bank1.env.DB_NAME,
      SOURCES.map((no) => [no, '100000.00']),
    );
  });

  afterAll(async () => {
    await link?.close();
    await stack?.destroy();
  });

  it('keeps accepting transfers within twice their p95 and without a stall, holds no transaction open over 1 s, and credits every transfer once after', async () => {
    const warmUp = await load(bank1, WARM_UP_MS);
    const before = await load(bank1, BASELINE_MS);
    link.cut();
    const watcher = await watchTransactions(bank1);
    let outage: Load;
    let longTransactions: LongTransaction[];
    try {
      outage = await load(bank1, OUTAGE_MS);
    } finally {
      longTransactions = await watcher.stop();
      link.heal();
    }
    await waitFor(
      async () =>
        (await stack.query(bank1.env.DB_NAME, "SELECT 1 FROM txmsg_outbox WHERE status <> 'PUBLISHED' LIMIT 1"))
          .length === 0,
      { timeoutMs: 90_000, description: "bank1's outbox drained after the outage" },
    );
    const after = await load(bank1, BASELINE_MS);
    const p95 = (phase: Load) => percentile(phase.latencies, 0.95);
    const p99 = (phase: Load) => Math.round(percentile(phase.latencies, 0.99));
    const up = Math.max(p95(before), p95(after));
    const down = p95(outage);
    const slowest = Math.max(...outage.latencies);
    const failures = [...warmUp.failures, ...before.failures, ...outage.failures, ...after.failures];
    // One verdict, so a failure shows the latencies and every long transaction. What this test
    // holds the library to: no transaction open across the outage, no refused transfer, no stall
    // (no answer held for seconds, as the old relay's transactions held them through each confirm
    // timeout), and a p95 within twice the p95 with the broker up. The p95, not the p99: on this
    // disk a COMMIT now and then waits 100-400 ms for its fsync, with the broker up or down, and
    // each such wait delays every transfer committing meanwhile; the p99 of a few hundred
    // transfers is one or two such waits, so it measured the disk. Whatever the library did to
    // every transfer, or again and again through the outage, moves the p95; a single hold-up of
    // seconds (finding out that the broker is gone) is the stall check's.
    const verdict = {
      baselineP95Ms: [Math.round(p95(before)), Math.round(p95(after))],
      outageP95Ms: Math.round(down),
      ratio: Number((down / up).toFixed(2)),
      p99Ms: { before: p99(before), outage: p99(outage), after: p99(after) },
      slowestOutageMs: Math.round(slowest),
      noStall: slowest < STALL_MS,
      longTransactions,
      failures,
      // When the slowest answers were sent, in ms after the cut: a cluster right after it is the
      // library finding out that the broker is gone; spread out, the machine.
      slowestOutage: [...outage.timeline].sort((a, b) => b[1] - a[1]).slice(0, 10),
      slowestBaseline: [...before.timeline, ...after.timeline].sort((a, b) => b[1] - a[1]).slice(0, 10),
    };
    process.stdout.write(`broker outage: ${JSON.stringify(verdict)}\n`);
    if (!verdict.noStall || verdict.ratio > 2 || longTransactions.length > 0 || failures.length > 0) {
      throw new Error(`with the broker unreachable: ${JSON.stringify(verdict)}`);
    }

    const txNos = [...warmUp.txNos, ...before.txNos, ...outage.txNos, ...after.txNos];
    const db2 = bank2.env.DB_NAME;
    await waitFor(
      async () => {
        const [row] = await stack.query(db2, "SELECT COUNT(*) AS n FROM incoming_transfer WHERE status = 'CREDITED'");
        return Number(row.n) >= txNos.length;
      },
      { timeoutMs: 90_000, description: `${txNos.length} transfers credited at bank2` },
    );
    const credited = await stack.query<{ tx_no: string; n: number }>(
      db2,
      'SELECT tx_no, COUNT(*) AS n FROM incoming_transfer GROUP BY tx_no',
    );
    expect(credited.filter((row) => Number(row.n) !== 1)).toEqual([]);
    expect(credited.map((row) => row.tx_no).sort()).toEqual([...txNos].sort());
    const [balance] = await stack.query(
      db2,
      "SELECT CAST(balance AS CHAR) AS balance FROM account_info WHERE account_no = '2'",
    );
    expect(balance.balance).toBe(`${txNos.length}.00`);
  }, 240_000);
});
