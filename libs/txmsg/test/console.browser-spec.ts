import { waitFor } from '../src/testing';
import { ChildApp } from './support/child-app';
import { CATALOG_DDL, STOCK_QUEUE, STOCK_RESERVE } from './support/console-app';
import { EXCHANGE } from './support/fixtures';
import { createTestDatabase, createVhost, sql } from './support/infra';
import { BrokerProbe } from './support/probe';
import { ConsoleBrowser, logIn } from './support/browser';

const TOKEN = 'test-admin-token';
const REFUSED = 500;
const TOO_MANY = 3;

describe('Operator console in a browser, against a service in its own process', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let service: ChildApp;
  let origin: string;
  let probe: BrokerProbe;
  let browser: ConsoleBrowser;

  beforeAll(async () => {
    db = await createTestDatabase('console_browser');
    vhost = await createVhost('console_browser');
    await sql(CATALOG_DDL, [], db.name);
    service = new ChildApp('console-app.ts', {
      CONSOLE_DB: db.name,
      CONSOLE_URI: vhost.uri,
      CONSOLE_SAMPLE_MS: '1000',
    });
    await service.ready('console-app ready');
    const port = service.lines.find((line) => line.startsWith('console-app ready'))!.split(' ')[2];
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

  it('groups 500 parked messages under one fingerprint; the operator opens one, fixes the cause, requeues the group and each is applied once', async () => {
    // 500 orders of an SKU the catalog lacks, and 3 of a known SKU refused for another cause.
    await probe.publishMany(
      EXCHANGE,
      STOCK_RESERVE,
      Array.from({ length: REFUSED }, (_, i) => ({
        body: { order: `order-${i}`, sku: 'SKU-77', quantity: 1 + (i % 5) },
        options: { messageId: `reserve-${i}` },
      })),
    );
    await sql("INSERT INTO t_catalog (sku) VALUES ('SKU-1')", [], db.name);
    await probe.publishMany(
      EXCHANGE,
      STOCK_RESERVE,
      Array.from({ length: TOO_MANY }, (_, i) => ({
        body: { order: `bulk-${i}`, sku: 'SKU-1', quantity: 5000 + i },
        options: { messageId: `bulk-${i}` },
      })),
    );
    await waitFor(
      async () =>
        (await count("SELECT COUNT(*) AS n FROM txmsg_inbox_failure WHERE status = 'PARKED'")) === REFUSED + TOO_MANY,
      { timeoutMs: 60_000, description: `${REFUSED + TOO_MANY} messages parked` },
    );
    const page = await browser.newPage();

    // A page without the session answers 401 with the login form.
    await logIn(page, origin, '/groups', TOKEN);
    await page.getByRole('heading', { name: 'Parked, by consumer' }).waitFor();
    await page.locator('tr.consumer[data-consumer="stock"]').waitFor({ timeout: 30_000 });
    await browser.screenshot(page, 'overview');

    // The two causes are two groups, the larger first, with their counts.
    await page.click('header >> text=Failure groups');
    await page.waitForURL(/\/groups$/);
    const groups = page.locator('#groups tr.group');
    expect(await groups.count()).toBe(2);
    const group = groups.first();
    expect(await group.locator('td.count').textContent()).toBe(String(REFUSED));
    expect(await group.textContent()).toContain('is not in the catalog');
    expect(await groups.nth(1).locator('td.count').textContent()).toBe(String(TOO_MANY));
    await browser.screenshot(page, 'groups');

    // Its messages, 50 a page; one of them, with its body and error.
    await group.locator('a', { hasText: 'Messages' }).click();
    await page.waitForURL(/failures\?status=PARKED&consumer=stock&fingerprint=/);
    expect(await page.locator('main table tr').count()).toBe(51);
    await browser.screenshot(page, 'failures');
    await page.locator('main table tr').nth(1).locator('a').first().click();
    await page.getByRole('heading', { name: /Message reserve-\d+/ }).waitFor();
    expect(await page.textContent('#body')).toContain('"sku": "SKU-77"');
    expect(await page.textContent('#last-error')).toMatch(/sku SKU-77 is not in the catalog \(order order-\d+\)/);
    await browser.screenshot(page, 'message');

    // The cause is fixed; the whole group is requeued after a page that says how many it takes.
    await sql("INSERT INTO t_catalog (sku) VALUES ('SKU-77')", [], db.name);
    await page.click('header >> text=Failure groups');
    await page.locator('#groups tr.group').first().locator('a', { hasText: 'Requeue all' }).click();
    expect(await page.textContent('#to-do')).toContain(`${REFUSED} parked messages of consumer stock with fingerprint`);
    await browser.screenshot(page, 'confirm');
    await page.click('#confirm');
    await page.getByText(`Requeued ${REFUSED} messages.`).waitFor();
    await waitFor(
      async () => (await count("SELECT COUNT(*) AS n FROM t_effects WHERE k LIKE 'reserved:order-%'")) === REFUSED,
      { timeoutMs: 60_000, description: `${REFUSED} orders reserved` },
    );
    await waitFor(async () => (await count('SELECT COUNT(*) AS n FROM txmsg_inbox_failure')) === TOO_MANY, {
      timeoutMs: 30_000,
      description: 'only the other group still parked',
    });
    await page.reload();
    expect(await page.locator('#groups tr.group').count()).toBe(1);
    await browser.screenshot(page, 'requeued');

    // Each order applied once: the effect of a failed attempt rolled back with it.
    expect(await count("SELECT COUNT(*) AS n FROM t_effects WHERE k LIKE 'reserved:order-%' AND times <> 1")).toBe(0);
    expect(await count("SELECT COUNT(*) AS n FROM t_effects WHERE k LIKE 'reserved:bulk-%'")).toBe(0);
    expect(await probe.queueDepth(STOCK_QUEUE)).toBe(0);
  }, 240_000);

  it('answers 401 to every page and action without the token, and takes none of them', async () => {
    const parked = await count("SELECT COUNT(*) AS n FROM txmsg_inbox_failure WHERE status = 'PARKED'");
    const [{ id }] = await sql('SELECT id FROM txmsg_inbox_failure ORDER BY id LIMIT 1', [], db.name);
    const base = `${origin}/txmsg/console`;
    const pages = ['', '/failures', `/failures/${id}`, '/groups', '/groups/confirm?action=requeue&consumer=stock'];
    const actions = [`/failures/${id}/requeue`, `/failures/${id}/delete`, '/groups/requeue', '/groups/delete'];
    for (const path of pages) {
      expect([path, (await fetch(base + path)).status]).toEqual([path, 401]);
      const wrong = await fetch(base + path, { headers: { authorization: 'Bearer wrong', cookie: 'txmsg_console=x' } });
      expect([path, wrong.status]).toEqual([path, 401]);
    }
    for (const path of actions) {
      const answer = await fetch(base + path, { method: 'POST', headers: { origin }, redirect: 'manual' });
      expect([path, answer.status]).toEqual([path, 401]);
    }
    expect(await count("SELECT COUNT(*) AS n FROM txmsg_inbox_failure WHERE status = 'PARKED'")).toBe(parked);
  });
});
