import { waitFor } from '@txmsg/nestjs/testing';
import { FAST_BANK_ENV, balanceOf, postTransfer, restart } from './support/banks';
import { percentile } from './support/percentile';
import { RabbitCluster } from './support/rabbit-cluster';
import type { ServiceProcess } from './support/service-process';
import { TestStack } from './support/test-stack';

// Scheduled transfers (bank1's use of the library's delayed messages), each service in its own
// process: two bank1 instances on one database, bank2, and a RabbitMQ node of the test's own, so
// restarting it disturbs no other test on the machine. 200 transfers scheduled 1–10 s ahead must
// be applied at bank2 within 1.5 s after their time, not before it, across a bank1 restart and a
// broker restart; a cancelled one never.

/** How late after its time a transfer may be applied at bank2. */
const LATE_MS = 1500;
/** How early: none, beyond the millisecond rounding of the two clocks (the same machine's). */
const EARLY_MS = 20;
const PHASE = 100;
const BROKER_START_TIMEOUT_MS = 120_000;
const TEST_TIMEOUT_MS = 240_000;

interface Scheduled {
  txNo: string;
  /** When it is to be sent, in epoch milliseconds. */
  executeAt: number;
}

describe('scheduled transfers (delayed messages) across a bank1 restart and a broker restart', () => {
  let broker: RabbitCluster | undefined;
  let stack: TestStack | undefined;

  beforeAll(async () => {
    broker = await RabbitCluster.start(1);
    stack = await TestStack.create('delayed', broker);
  }, BROKER_START_TIMEOUT_MS);

  afterAll(async () => {
    await stack?.destroy();
    await broker?.destroy();
  });

  it(
    'applies 200 transfers scheduled 1–10 s ahead within 1.5 s of their time; a cancelled one never',
    async () => {
      const s = stack!;
      const node = broker!.nodes[0];
      const env = { ...FAST_BANK_ENV, RATE_LIMIT: 'off' };
      // One after the other: the first migrates the database both use.
      let bank1a = await s.start('bank1', env);
      const bank1b = await s.start('bank1', env);
      const bank2 = await s.start('bank2', env);
      expect(bank1b.env.DB_NAME).toBe(bank1a.env.DB_NAME);

      const schedule = async (via: ServiceProcess, inMs: number): Promise<Scheduled> => {
        const executeAt = Date.now() + inMs;
        const body = {
          fromAccountNo: '1',
          toAccountNo: '2',
          amount: '1.00',
          executeAt: new Date(executeAt).toISOString(),
        };
        const reply = await postTransfer(via, body);
        if (reply.status !== 202)
          throw new Error(`${via.name} answered ${reply.status}: ${JSON.stringify(reply.body)}`);
        return { txNo: reply.body.txNo, executeAt };
      };
      /** Schedules one transfer per delay, ten at a time, through the instance `via` picks. */
      const scheduleAll = async (delays: number[], via: (i: number) => ServiceProcess) => {
        const scheduled: Scheduled[] = [];
        for (let i = 0; i < delays.length; i += 10) {
          const batch = delays.slice(i, i + 10).map((ms, j) => schedule(via(i + j), ms));
          scheduled.push(...(await Promise.all(batch)));
        }
        return scheduled;
      };
      const postgres = s.engineOfDatabase(bank2.env.DB_NAME) === 'postgres';
      /** When bank2 applied each transfer (its commit's clock), by transfer number. */
      const appliedAt = async () => {
        const rows = await s.query<{ tx_no: string; at: string | number }>(
          bank2.env.DB_NAME,
          postgres
            ? 'SELECT tx_no, CAST(EXTRACT(EPOCH FROM processed_at) * 1000 AS BIGINT) AS at FROM incoming_transfer'
            : 'SELECT tx_no, CAST(UNIX_TIMESTAMP(processed_at) * 1000 AS UNSIGNED) AS at FROM incoming_transfer',
        );
        return new Map(rows.map((row) => [row.tx_no, Number(row.at)]));
      };
      const allApplied = (scheduled: Scheduled[], description: string) =>
        waitFor(
          async () => {
            const applied = await appliedAt();
            return scheduled.every((t) => applied.has(t.txNo));
          },
          { timeoutMs: 30_000, intervalMs: 250, description },
        );

      // Bank1 restart: 100 transfers written through bank1a, due 1.0–9.9 s ahead, and one more
      // that is cancelled through bank1b. bank1a stops as soon as they are in, and its timers with
      // it: bank1b knows of them only from the database, until bank1a is back.
      const phase1 = await scheduleAll(
        Array.from({ length: PHASE }, (_, i) => 1000 + i * 90),
        () => bank1a,
      );
      const cancelled = await schedule(bank1a, 5000);
      await bank1a.stop();
      const cancel = await bank1b.post(`/transfers/${cancelled.txNo}/cancel`, {});
      expect(cancel).toEqual({ status: 200, body: { txNo: cancelled.txNo, status: 'CANCELLED' } });
      bank1a = await restart(s, bank1a);
      await allApplied(phase1, 'the first 100 applied');

      // Broker restart: 100 more, through both instances, due 7.0–10 s ahead; the broker is
      // stopped and started while all of them wait. Those due later than that show it kept none of
      // them; a message due while the broker is down could not be published on time by anyone.
      const phase2 = await scheduleAll(
        Array.from({ length: PHASE }, (_, i) => 7000 + i * 30),
        (i) => (i % 2 === 0 ? bank1a : bank1b),
      );
      const restartedAt = Date.now();
      try {
        await broker!.ctl(node, 'stop_app');
      } finally {
        await broker!.ctl(node, 'start_app');
      }
      const restartMs = Date.now() - restartedAt;
      const firstDue = Math.min(...phase2.map((t) => t.executeAt));
      expect(Date.now()).toBeLessThan(firstDue); // back before any of them was due
      await allApplied(phase2, 'the other 100 applied');

      const applied = await appliedAt();
      const lateness = [...phase1, ...phase2].map((t) => ({
        txNo: t.txNo,
        lateMs: applied.get(t.txNo)! - t.executeAt,
      }));
      const latenesses = lateness.map((l) => l.lateMs).sort((a, b) => a - b);
      process.stdout.write(
        `scheduled transfers applied after their time: p50 ${percentile(latenesses, 0.5)} ms, p99 ${percentile(latenesses, 0.99)} ms, max ${latenesses[latenesses.length - 1]} ms (the broker restart took ${restartMs} ms)\n`,
      );
      expect(lateness.filter((l) => l.lateMs < -EARLY_MS || l.lateMs > LATE_MS)).toEqual([]);
      expect(applied.size).toBe(2 * PHASE);

      // The cancelled one was due long ago: never applied, its debit given back, and it stays so.
      expect(applied.has(cancelled.txNo)).toBe(false);
      expect((await bank1a.get(`/transfers/${cancelled.txNo}`)).body.status).toBe('CANCELLED');
      expect((await bank1a.post(`/transfers/${cancelled.txNo}/cancel`, {})).status).toBe(409);
      expect((await bank1b.post(`/transfers/${phase1[0].txNo}/cancel`, {})).status).toBe(409); // sent already
      await waitFor(
        async () => {
          const [row] = await s.query(
            bank1a.env.DB_NAME,
            "SELECT COUNT(*) AS n FROM transfer WHERE status = 'COMPLETED'",
          );
          return Number(row.n) === 2 * PHASE;
        },
        { timeoutMs: 30_000, description: 'every applied transfer COMPLETED at bank1' },
      );
      expect(await balanceOf(bank1a, '1')).toBe('9800.00');
      expect(await balanceOf(bank2, '2')).toBe('200.00');
    },
    TEST_TIMEOUT_MS,
  );
});
