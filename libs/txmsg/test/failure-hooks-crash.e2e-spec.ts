import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChildApp } from './support/child-app';
import { EXCHANGE, THING_HAPPENED } from './support/fixtures';
import { createTestDatabase, createVhost, sql } from './support/infra';
import { BrokerProbe } from './support/probe';
import { waitFor } from '../src/testing';

const READY = 'hook-crash-app ready';

describe('Failure hooks across a crash', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let probe: BrokerProbe;
  let app: ChildApp | undefined;
  /** A webhook receiver that is always down. */
  let receiver: Server;
  let receiverOrigin: string;

  beforeAll(async () => {
    receiver = createServer((req, res) => req.resume().on('end', () => res.writeHead(503).end()));
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverOrigin = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    db = await createTestDatabase('hookcrash');
    vhost = await createVhost('hookcrash');
    probe = await BrokerProbe.open(vhost.uri);
  });

  afterAll(async () => {
    await app?.stop();
    await new Promise((resolve) => receiver?.close(resolve));
    await probe?.close();
    await vhost?.remove();
    await db?.drop();
  });

  const start = (crashPoint = '', notifyUrl = '') =>
    new ChildApp('hook-crash-app.ts', {
      HOOK_DB: db.name,
      HOOK_URI: vhost.uri,
      HOOK_CRASH_POINT: crashPoint,
      HOOK_RECEIVER: receiverOrigin,
      HOOK_NOTIFY_URL: notifyUrl,
    });
  const pendingHooks = async () =>
    Number((await sql('SELECT COUNT(*) AS n FROM txmsg_failure_hook', [], db.name))[0].n);
  /** Every run of a hook, by event id. */
  const hookRuns = (hook = 'parked') =>
    sql<Array<{ k: string; times: number }>>(
      'SELECT k, times FROM t_effects WHERE k LIKE ?',
      [`hook:${hook}:%`],
      db.name,
    );

  it('runs the hook of a message parked just before the process was killed exactly once, after the restart', async () => {
    app = start('failure-before-hook');
    await app.ready(READY);
    await probe.publish(EXCHANGE, THING_HAPPENED, 'this is not JSON', { messageId: 'crash-park-1' });
    expect(await app.exited).toBe('SIGKILL');

    // Killed between the park's commit and its hook: the park and its announcement are there, no run.
    const [parked] = await sql<any[]>(
      "SELECT id, status, reason FROM txmsg_inbox_failure WHERE message_id = 'crash-park-1'",
      [],
      db.name,
    );
    expect(parked).toMatchObject({ status: 'PARKED', reason: 'POISON' });
    expect(await pendingHooks()).toBe(1);
    expect(await hookRuns()).toEqual([]);

    // Restarted: the unacknowledged delivery comes back (and is parked again, unannounced), the
    // pending announcement is made.
    app = start();
    await app.ready(READY);
    await waitFor(async () => (await pendingHooks()) === 0 && (await hookRuns()).length > 0, {
      timeoutMs: 20_000,
      description: 'the announcement made after the restart',
    });
    const attempts = async () =>
      Number(
        (await sql<any[]>('SELECT attempts FROM txmsg_inbox_failure WHERE id = ?', [parked.id], db.name))[0].attempts,
      );
    await waitFor(async () => (await attempts()) === 2, { description: 'the redelivery after the crash parked too' });
    expect(await pendingHooks()).toBe(0);
    expect((await hookRuns()).map((r) => Number(r.times))).toEqual([1]);
    await app.stop();
    app = undefined;
  });

  it('runs the hook of a notification given up on just before the process was killed exactly once, after the restart', async () => {
    app = start('failure-before-hook', `${receiverOrigin}/notify`);
    expect(await app.exited).toBe('SIGKILL'); // after the last attempt (the ladder is 3 steps of ms)
    const status = async () =>
      (await sql<any[]>("SELECT status FROM txmsg_notification WHERE subject = 'crash-notification'", [], db.name))[0]
        ?.status;
    expect(await status()).toBe('FAILED');
    expect(await pendingHooks()).toBe(1);
    expect(await hookRuns('notification')).toEqual([]);

    app = start();
    await app.ready(READY);
    await waitFor(async () => (await pendingHooks()) === 0 && (await hookRuns('notification')).length > 0, {
      timeoutMs: 20_000,
      description: 'the announcement made after the restart',
    });
    expect((await hookRuns('notification')).map((r) => Number(r.times))).toEqual([1]);
    await app.stop();
    app = undefined;
  });
});
