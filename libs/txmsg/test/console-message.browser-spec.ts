import { waitFor } from '../src/testing';
import { ChildApp } from './support/child-app';
import { PAYMENT_REQUESTED } from './support/history-app';
import { EXCHANGE } from './support/fixtures';
import { createTestDatabase, createVhost, sql } from './support/infra';
import { BrokerProbe } from './support/probe';
import { ConsoleBrowser, logIn } from './support/browser';

const TOKEN = 'test-admin-token';

describe('A failed message in the console, in a browser, against a service in its own process', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let service: ChildApp;
  let origin: string;
  let probe: BrokerProbe;
  let browser: ConsoleBrowser;

  beforeAll(async () => {
    db = await createTestDatabase('console_message');
    vhost = await createVhost('console_message');
    service = new ChildApp('history-app.ts', { HISTORY_DB: db.name, HISTORY_URI: vhost.uri });
    await service.ready('history-app ready');
    const port = service.lines.find((line) => line.startsWith('history-app ready'))!.split(' ')[2];
    origin = `http://127.0.0.1:${port}`;
    probe = await BrokerProbe.open(vhost.uri);
    browser = await ConsoleBrowser.launch();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await probe?.close();
    await service?.stop();
    await vhost?.remove();
    await db?.drop();
  });

  const count = async (statement: string, params: unknown[] = []) =>
    Number((await sql(statement, params, db.name))[0].n);
  /** How many deliveries of the payments consumer the service counted as duplicates. */
  const duplicates = async () => {
    const text = await (await fetch(`${origin}/metrics`)).text();
    return Number(
      /txmsg_consumer_messages_total\{consumer="payments",outcome="duplicate"[^}]*\} (\d+)/.exec(text)?.[1] ?? 0,
    );
  };
  const payment = { payment: 'pay-4711', amount: 2500 };

  it('shows every attempt of a message parked after the ladder, and skips it: a redelivery then does nothing', async () => {
    await probe.publish(EXCHANGE, PAYMENT_REQUESTED, payment, { messageId: 'pay-4711-msg' });
    await waitFor(
      async () => (await count("SELECT COUNT(*) AS n FROM txmsg_inbox_failure WHERE status = 'PARKED'")) === 1,
      {
        timeoutMs: 30_000,
        description: 'the payment parked after the ladder',
      },
    );
    const [{ id }] = await sql<{ id: string }[]>('SELECT id FROM txmsg_inbox_failure', [], db.name);
    const page = await browser.newPage();
    await logIn(page, origin, `/failures/${id}`, TOKEN);
    await page.goto(`${origin}/txmsg/console/failures/${id}`);
    await page.getByRole('heading', { name: 'Message pay-4711-msg' }).waitFor();

    const rows = page.locator('#attempts tr');
    expect(await rows.count()).toBe(5);
    const outcomes = await rows.evaluateAll((trs) => trs.slice(1).map((tr) => tr.children[2].textContent ?? ''));
    expect(outcomes.map((o) => o.replace(/ at .*/, ''))).toEqual(['RETRY', 'RETRY', 'RETRY', 'PARKED EXHAUSTED']);
    expect(await rows.nth(4).textContent()).toContain('GatewayTimeoutError');
    expect(await rows.nth(1).textContent()).toContain('gateway timed out after 3000 ms on payment pay-4711');
    expect(await page.textContent('main')).toContain('Delete only removes it from here');
    await browser.screenshot(page, 'message-attempts');

    await page.click('#skip');
    await page.waitForURL(/\/failures\?skipped=1$/);
    expect(await page.textContent('.flash')).toBe('Skipped 1 message.');
    expect(await count('SELECT COUNT(*) AS n FROM txmsg_inbox_failure')).toBe(0);
    expect(await count('SELECT COUNT(*) AS n FROM txmsg_inbox_failure_attempt')).toBe(0);
    expect(await count("SELECT COUNT(*) AS n FROM txmsg_dedup WHERE dedup_key = 'pay-4711'")).toBe(1);

    // The same payment again: a duplicate, acknowledged without running the handler.
    const before = await duplicates();
    await probe.publish(EXCHANGE, PAYMENT_REQUESTED, payment, { messageId: 'pay-4711-msg' });
    await waitFor(async () => (await duplicates()) === before + 1, {
      description: 'the redelivery taken as a duplicate',
    });
    expect(await count("SELECT COUNT(*) AS n FROM t_effects WHERE k = 'paid:pay-4711'")).toBe(0);
    expect(await count('SELECT COUNT(*) AS n FROM txmsg_inbox_failure')).toBe(0);
    await page.close();
  }, 120_000);
});
