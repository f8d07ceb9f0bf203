import request from 'supertest';
import type { INestApplication } from '@nestjs/common';
import { startTestApp } from './support/app';
import { ChildApp } from './support/child-app';
import { BrokerProbe } from './support/probe';
import { ENGINE, createTestDatabase, createVhost, sql } from './support/infra';

/** The ordered consumer's queue in ordering-app.ts (not imported: importing it would start that app). */
const ORDERED_QUEUE = 'test.ordered-versions';
const KEYS = 100;
const PER_KEY = 50;
/** Messages parked on their first delivery, then requeued once every other key is through. */
const PARKED = [
  { k: 'order-7', version: 10 },
  { k: 'order-42', version: 25 },
  { k: 'order-77', version: 40 },
];

const TABLES =
  ENGINE === 'postgres'
    ? [
        'CREATE TABLE t_order_state (k VARCHAR(64) PRIMARY KEY, version INT NOT NULL)',
        'CREATE TABLE t_applied (id BIGSERIAL PRIMARY KEY, k VARCHAR(64) NOT NULL, version INT NOT NULL, seq INT NOT NULL)',
        'CREATE TABLE t_park_first (k VARCHAR(64) NOT NULL, version INT NOT NULL)',
      ]
    : [
        'CREATE TABLE t_order_state (k VARCHAR(64) PRIMARY KEY, version INT NOT NULL)',
        `CREATE TABLE t_applied (id BIGINT AUTO_INCREMENT PRIMARY KEY, k VARCHAR(64) NOT NULL, version INT NOT NULL,
           seq INT NOT NULL)`,
        'CREATE TABLE t_park_first (k VARCHAR(64) NOT NULL, version INT NOT NULL)',
      ];

describe('Ordered consumers, each instance in its own process', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  const children: ChildApp[] = [];
  /** An application in this process on the same database: the migrations, and the admin API. */
  let admin: INestApplication;

  beforeAll(async () => {
    db = await createTestDatabase('ordprocs');
    vhost = await createVhost('ordprocs');
    admin = await startTestApp({ database: db.name, uri: vhost.uri, listen: true });
    for (const statement of TABLES) await sql(statement, [], db.name);
    for (let i = 0; i < KEYS; i++)
      await sql('INSERT INTO t_order_state (k, version) VALUES (?, 0)', [`order-${i}`], db.name);
    for (const { k, version } of PARKED)
      await sql('INSERT INTO t_park_first (k, version) VALUES (?, ?)', [k, version], db.name);
  });

  afterAll(async () => {
    await Promise.all(children.map((child) => child.kill()));
    await admin?.close();
    await vhost?.remove();
    await db?.drop();
  });

  const start = async (role: 'producer' | 'consumer') => {
    const child = new ChildApp('ordering-app.ts', {
      ORDERING_ROLE: role,
      ORDERING_DB: db.name,
      ORDERING_URI: vhost.uri,
      ORDERING_KEYS: String(KEYS),
      ORDERING_PER_KEY: String(PER_KEY),
    });
    children.push(child);
    await child.ready(`ordering-app ${role} ready`);
    return child;
  };
  const count = async (statement: string) => Number((await sql(statement, [], db.name))[0].n);
  const applied = () => count('SELECT COUNT(*) AS n FROM t_applied');
  const written = () => count('SELECT COALESCE(SUM(version), 0) AS n FROM t_order_state');
  /** Per key, the versions applied, in the order they committed (a key's transactions are serialised by its cursor row). */
  const appliedByKey = async () => {
    const rows = await sql<Array<{ k: string; version: number; seq: number }>>(
      'SELECT k, version, seq FROM t_applied ORDER BY id',
      [],
      db.name,
    );
    const byKey = new Map<string, Array<{ version: number; seq: number }>>();
    for (const row of rows)
      byKey.set(row.k, [...(byKey.get(row.k) ?? []), { version: Number(row.version), seq: Number(row.seq) }]);
    return byKey;
  };

  /**
   * Where the run stands, for a failure message: the outbox by status, the queue, blocked cursors,
   * held rows, failures, and for the first keys short of versions which are missing and their cursor.
   */
  const diagnosis = async () => {
    const byKey = await appliedByKey();
    const short = [];
    for (let i = 0; i < KEYS && short.length < 5; i++) {
      const k = `order-${i}`;
      const seen = new Set((byKey.get(k) ?? []).map((r) => r.version));
      const missing = Array.from({ length: PER_KEY }, (_, j) => j + 1).filter((v) => !seen.has(v));
      if (missing.length === 0) continue;
      const [cursor] = await sql('SELECT * FROM txmsg_ordering_cursor WHERE ordering_key = ?', [k], db.name);
      short.push({ k, missing: missing.slice(0, 10), cursor });
    }
    const probe = await BrokerProbe.open(vhost.uri);
    const queued = await probe.queueDepth(ORDERED_QUEUE).finally(() => probe.close());
    return JSON.stringify({
      applied: await applied(),
      outbox: await sql('SELECT status, COUNT(*) AS n FROM txmsg_outbox GROUP BY status', [], db.name),
      queued,
      short,
      cursors: await sql('SELECT * FROM txmsg_ordering_cursor WHERE blocked_seq IS NOT NULL', [], db.name),
      held: await sql(
        'SELECT consumer, ordering_key, seq, next_attempt_at, version FROM txmsg_ordering_held ORDER BY seq LIMIT 20',
        [],
        db.name,
      ),
      failures: await sql('SELECT message_id, status, reason, attempts FROM txmsg_inbox_failure', [], db.name),
    });
  };
  /**
   * Waits until `measure()` reaches `target` for as long as it keeps rising: fails, with where the
   * run stands, once it stood still for `stallMs`. The run's speed depends on what else the machine
   * runs (two cores, the other test worker, ten transpiling children); a stall is what this test
   * is to catch, not slowness.
   */
  const waitRising = async (measure: () => Promise<number>, target: number, description: string, stallMs = 60_000) => {
    let best = -1;
    let movedAt = Date.now();
    for (;;) {
      const now = await measure();
      if (now >= target) return;
      if (now > best) {
        best = now;
        movedAt = Date.now();
      } else if (Date.now() - movedAt > stallMs) {
        throw new Error(`${description}: stuck at ${now} of ${target} for ${stallMs} ms; ${await diagnosis()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };

  it('applies each key in commit order, each once, across 3 producers and 2 consumers, failures, parking and kill -9 on both sides', async () => {
    const consumers = [await start('consumer'), await start('consumer')];
    const producers = [await start('producer'), await start('producer'), await start('producer')];

    // A producer killed mid-run: what it committed is relayed by the others (same database).
    await waitRising(written, (KEYS * PER_KEY) / 4, 'a quarter written');
    await producers[0].kill();
    // A consumer killed mid-run: what it had not acknowledged is delivered again, to either instance.
    await waitRising(applied, (KEYS * PER_KEY) / 3, 'a third applied');
    await consumers[0].kill();
    consumers[0] = await start('consumer');

    // Every key but the three with a parked message goes through while those three are blocked.
    const total = KEYS * PER_KEY;
    const blockedShare = PARKED.reduce((sum, p) => sum + (PER_KEY - p.version + 1), 0);
    await waitRising(applied, total - blockedShare, 'every key applied but the three blocked behind a parked message');
    const before = await appliedByKey();
    for (const { k, version } of PARKED) expect([k, before.get(k)?.length]).toEqual([k, version - 1]);

    const auth = { Authorization: 'Bearer test-admin-token' };
    const { body: blocked } = await request(admin.getHttpServer()).get('/txmsg/ordering/blocked').set(auth).expect(200);
    expect(blocked.items.map((b: { key: string }) => b.key).sort()).toEqual(PARKED.map((p) => p.k).sort());
    await request(admin.getHttpServer()).post('/txmsg/parked/requeue').set(auth).expect(200);

    await waitRising(applied, total, 'everything applied');
    // Every message reaches the one queue, so no wait for a predecessor may ever run out.
    const gaveUp = children.flatMap((child) => child.lines.filter((line) => /never arrived|applied late/.test(line)));
    expect(gaveUp).toEqual([]);
    const byKey = await appliedByKey();
    const versions = Array.from({ length: PER_KEY }, (_, i) => i + 1);
    expect(byKey.size).toBe(KEYS);
    for (const [k, rows] of byKey) {
      // Each version once, in the order the producer committed them; the sequence number is that order too.
      expect([k, rows.map((r) => r.version)]).toEqual([k, versions]);
      expect([k, rows.map((r) => r.seq)]).toEqual([k, versions]);
    }
    expect(await applied()).toBe(total);
  }, 600_000);
});
