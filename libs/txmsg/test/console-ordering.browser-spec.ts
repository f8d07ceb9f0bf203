import { waitFor } from '../src/testing';
import { ChildApp } from './support/child-app';
import { APPLIED_DDL, ORDERED_QUEUE, ORDERED_STEP, stepMessage } from './support/console-ordering-app';
import { EXCHANGE } from './support/fixtures';
import { createTestDatabase, createVhost, sql } from './support/infra';
import { BrokerProbe } from './support/probe';
import { ConsoleBrowser, logIn } from './support/browser';

const TOKEN = 'test-admin-token';
const SCHEDULED = 60;

describe('Operator console in a browser: blocked ordering keys and delayed messages, against a service in its own process', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let service: ChildApp;
  let origin: string;
  let probe: BrokerProbe;
  let browser: ConsoleBrowser;

  beforeAll(async () => {
    db = await createTestDatabase('console_ordering_browser');
    vhost = await createVhost('console_ordering_browser');
    await sql(APPLIED_DDL, [], db.name);
    service = new ChildApp('console-ordering-app.ts', {
      CONSOLE_DB: db.name,
      CONSOLE_URI: vhost.uri,
      CONSOLE_SCHEDULED: String(SCHEDULED),
    });
    await service.ready('console-ordering-app ready');
    const port = service.lines.find((line) => line.startsWith('console-ordering-app ready'))!.split(' ')[2];
    origin = `http://127.0.0.1:${port}`;
    probe = await BrokerProbe.open(vhost.uri);
    browser = await ConsoleBrowser.launch();
    // A child transpiles the library as it loads, beside the suite's other worker: see ChildApp.ready.
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
  const applied = async (order: string) =>
    (await sql<Array<{ step: number }>>('SELECT step FROM t_applied WHERE k = ? ORDER BY id', [order], db.name)).map(
      (row) => Number(row.step),
    );
  /** Steps 1…`steps` of `order` with step `parked` refused; waits until it is parked and the later ones held. */
  const block = async (order: string, steps: number, parked: number) => {
    for (let step = 1; step <= steps; step++) {
      const { body, options } = stepMessage(order, step, step === parked);
      await probe.publish(EXCHANGE, ORDERED_STEP, body, options);
    }
    await waitFor(
      async () =>
        (await count('SELECT COUNT(*) AS n FROM txmsg_ordering_held WHERE ordering_key = ?', [order])) ===
          steps - parked &&
        (await count("SELECT COUNT(*) AS n FROM txmsg_inbox_failure WHERE status = 'PARKED' AND message_id = ?", [
          `${order}-${parked}`,
        ])) === 1,
      { timeoutMs: 30_000, description: `${order} blocked at step ${parked}` },
    );
  };

  it('shows a key blocked by a parked message with the messages held behind it; skipping it applies them in order and empties the list', async () => {
    await block('order-1001', 5, 2);
    await block('order-1002', 3, 1);
    const page = await browser.newPage();
    await logIn(page, origin, '/ordering', TOKEN);

    await page.click('header >> text=Ordering');
    await page.waitForURL(/\/ordering$/);
    const keys = page.locator('#keys tr.key');
    expect(await keys.count()).toBe(2);
    const first = keys.filter({ hasText: 'order-1001' });
    expect(await first.locator('td.held').textContent()).toBe('3');
    expect(await first.locator('td.waits-for').textContent()).toBe('#2 (failing)');
    expect(await first.locator('a', { hasText: 'order-1001-2' }).count()).toBe(1);
    await browser.screenshot(page, 'ordering');

    // The blocking message's page is one click away.
    await first.locator('a', { hasText: 'order-1001-2' }).click();
    await page.getByRole('heading', { name: 'Message order-1001-2' }).waitFor();
    await page.goBack();

    await page.locator('#keys tr.key', { hasText: 'order-1001' }).locator('a', { hasText: 'Skip' }).click();
    expect(await page.textContent('#to-do')).toContain('Skipping gives up message #2');
    expect(await page.textContent('#to-do')).toContain('releases the 3 held messages after it, in order');
    await page.click('#confirm');
    await page.getByText('Skipped the key: 3 held messages released.').waitFor();
    await waitFor(async () => (await applied('order-1001')).length === 4, {
      timeoutMs: 30_000,
      description: 'steps 3, 4, 5 of order-1001 applied',
    });
    expect(await applied('order-1001')).toEqual([1, 3, 4, 5]);
    // Listed until its last held message is applied.
    await waitFor(
      async () => {
        await page.reload();
        return (await page.locator('#keys tr.key').count()) === 1;
      },
      { timeoutMs: 30_000, description: 'order-1001 no longer listed' },
    );

    await page.locator('#keys tr.key', { hasText: 'order-1002' }).locator('a', { hasText: 'Skip' }).click();
    await page.click('#confirm');
    await page.getByText('Skipped the key: 2 held messages released.').waitFor();
    await waitFor(async () => (await applied('order-1002')).length === 2, {
      timeoutMs: 30_000,
      description: 'steps 2, 3 of order-1002 applied',
    });
    expect(await applied('order-1002')).toEqual([2, 3]);
    await waitFor(
      async () => {
        await page.reload();
        return (await page.getByText('No ordering key is blocked.').count()) === 1;
      },
      { timeoutMs: 30_000, description: 'no key listed' },
    );
    expect(await probe.queueDepth(ORDERED_QUEUE)).toBe(0);
  }, 120_000);

  it('lists the delayed messages due soonest first, 50 a page, and cancels one', async () => {
    // Logged in by the test before (one browser profile, one session).
    const page = await browser.newPage();
    await page.goto(`${origin}/txmsg/console`);
    await page.click('header >> text=Outbox');
    await page.waitForURL(/\/outbox$/);
    expect(await page.textContent('#count-SCHEDULED')).toBe(`SCHEDULED ${SCHEDULED}`);
    const rows = page.locator('#messages tr.message');
    expect(await rows.count()).toBe(50);
    expect(await rows.first().textContent()).toMatch(/\(in (4|5) min\)/);
    expect(await rows.last().textContent()).toMatch(/\(in (53|54) min\)/);
    await browser.screenshot(page, 'outbox');

    const soonest = (await rows.first().locator('td.message-id').textContent())!;
    await rows.first().locator('button', { hasText: 'Cancel' }).click();
    await page.getByText('Cancelled 1 message.').waitFor();
    expect(await page.textContent('#count-SCHEDULED')).toBe(`SCHEDULED ${SCHEDULED - 1}`);
    expect(await page.locator('#messages td.message-id', { hasText: soonest }).count()).toBe(0);
    await page.click('#next-page');
    expect(await page.locator('#messages tr.message').count()).toBe(SCHEDULED - 1 - 50);
    expect(await count("SELECT COUNT(*) AS n FROM txmsg_outbox WHERE status = 'CANCELLED'")).toBe(1);
  }, 60_000);

  it('answers 401 to every page and action without the token, and takes none of them', async () => {
    const base = `${origin}/txmsg/console`;
    const [{ message_id: scheduled }] = await sql(
      "SELECT message_id FROM txmsg_outbox WHERE status = 'SCHEDULED' ORDER BY id LIMIT 1",
      [],
      db.name,
    );
    const key = 'consumer=steps&source=test-svc&key=order-1001';
    for (const path of ['/ordering', `/ordering/confirm?${key}`, '/outbox', '/outbox?status=CANCELLED']) {
      expect([path, (await fetch(base + path)).status]).toEqual([path, 401]);
    }
    for (const path of [`/ordering/skip?${key}`, `/outbox/${scheduled}/cancel`]) {
      const answer = await fetch(base + path, { method: 'POST', headers: { origin }, redirect: 'manual' });
      expect([path, answer.status]).toEqual([path, 401]);
    }
    expect(await count("SELECT COUNT(*) AS n FROM txmsg_outbox WHERE status = 'SCHEDULED'")).toBe(SCHEDULED - 1);
  });
});
