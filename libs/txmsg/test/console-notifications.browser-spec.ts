import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from '../src/testing';
import { ConsoleBrowser, logIn } from './support/browser';
import { ChildApp } from './support/child-app';
import { createTestDatabase, createVhost, sql } from './support/infra';
import { CRM, SHOP, SHOP_PATH } from './support/notifications-app';

const TOKEN = 'test-admin-token';

describe('Operator console notifications in a browser, against a service in its own process', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let receiver: Server;
  /** The shop's receiver answers 503 until it is fixed; the CRM's always 200. */
  const shop = { fixed: false, received: 0 };
  let service: ChildApp;
  let origin: string;
  let browser: ConsoleBrowser;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const isShop = req.url!.startsWith(SHOP_PATH);
        if (isShop) shop.received += 1;
        res.statusCode = isShop && !shop.fixed ? 503 : 200;
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    db = await createTestDatabase('console_notify_browser');
    vhost = await createVhost('console_notify_browser');
    service = new ChildApp('notifications-app.ts', {
      CONSOLE_DB: db.name,
      CONSOLE_URI: vhost.uri,
      NOTIFY_RECEIVER: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`,
    });
    await service.ready('notifications-app ready');
    const port = service.lines.find((line) => line.startsWith('notifications-app ready'))!.split(' ')[2];
    origin = `http://127.0.0.1:${port}`;
    browser = await ConsoleBrowser.launch();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    receiver?.closeAllConnections();
    await new Promise((resolve) => receiver?.close(resolve));
    await vhost?.remove();
    await db?.drop();
  });

  const count = async (status: string) =>
    Number((await sql('SELECT COUNT(*) AS n FROM txmsg_notification WHERE status = ?', [status], db.name))[0].n);

  it('shows the exhausted notifications and their attempts; the operator re-sends one, then the rest, once the receiver is fixed', async () => {
    await waitFor(async () => (await count('FAILED')) === SHOP.length && (await count('DELIVERED')) === CRM.length, {
      timeoutMs: 30_000,
      description: 'the shop notifications exhausted, the CRM ones delivered',
    });
    const page = await browser.newPage();
    await logIn(page, origin, '/notifications', TOKEN);

    // From the overview's exhausted count to the list of them.
    await page
      .locator('main table tr', { hasText: 'FAILED' })
      .locator('a[href$="/notifications?status=FAILED"]')
      .click();
    await page.waitForURL(/\/notifications\?status=FAILED$/);
    expect(await page.locator('#notifications tr').count()).toBe(1 + SHOP.length);
    await page.click('header >> text=Notifications');
    await page.waitForURL(/\/notifications$/);
    expect(await page.textContent('#counts [data-status="FAILED"]')).toBe(String(SHOP.length));
    expect(await page.textContent('#counts [data-status="DELIVERED"]')).toBe(String(CRM.length));
    const rows = page.locator('#notifications tr');
    expect(await rows.count()).toBe(1 + SHOP.length + CRM.length);
    expect(await page.textContent('main')).toContain(`${SHOP_PATH}?[redacted]`);
    expect(await page.content()).not.toContain('s3cret');
    await browser.screenshot(page, 'notifications');

    // The oldest shop notification, with its three attempts.
    await page.fill('input[name="subject"]', SHOP[0]);
    await page.click('button:text("Filter")');
    await page.waitForURL(/subject=order-1/);
    await page.locator('#notifications tr').nth(1).locator('a').click();
    await page.getByRole('heading', { name: /Notification / }).waitFor();
    const attempts = page.locator('#attempts tr');
    expect(await attempts.count()).toBe(1 + 3);
    expect(await attempts.nth(1).textContent()).toMatch(/failed\s*503http_status/);
    expect(await page.textContent('#body')).toContain(`"id": "${SHOP[0]}"`);
    await browser.screenshot(page, 'notification');

    // The receiver is fixed; this one is re-sent, and delivered on its new ladder's first attempt.
    shop.fixed = true;
    await page.click('#resend');
    await page.getByText('Re-sent 1 notification.').waitFor();
    await waitFor(async () => (await count('FAILED')) === SHOP.length - 1, {
      description: 'one re-sent and delivered',
    });
    await page.reload();
    expect(await attempts.count()).toBe(1 + 4);
    expect(await attempts.nth(4).textContent()).toMatch(/delivered\s*200/);

    // The others, by filter, after the page that says how many it takes.
    await page.click('header >> text=Notifications');
    await page.selectOption('select[name="status"]', 'FAILED');
    await page.click('button:text("Filter")');
    await page.click('#resend-all');
    expect(await page.textContent('#to-do')).toContain(`${SHOP.length - 1} FAILED notifications`);
    await page.click('#confirm');
    await page.getByText(`Re-sent ${SHOP.length - 1} notifications.`).waitFor();
    await waitFor(async () => (await count('DELIVERED')) === SHOP.length + CRM.length, {
      timeoutMs: 30_000,
      description: 'every notification delivered',
    });
    expect(shop.received).toBe(SHOP.length * 3 + SHOP.length);
  }, 240_000);

  it('answers 401 to every page and action without the token, and takes none of them', async () => {
    const [{ id }] = await sql('SELECT id FROM txmsg_notification ORDER BY id LIMIT 1', [], db.name);
    const before = await sql('SELECT id, status, attempts FROM txmsg_notification ORDER BY id', [], db.name);
    const base = `${origin}/txmsg/console`;
    const pages = ['/notifications', `/notifications/${id}`, '/notifications/confirm?status=DELIVERED'];
    const actions = [`/notifications/${id}/resend`, '/notifications/resend'];
    for (const path of pages) {
      expect([path, (await fetch(base + path)).status]).toEqual([path, 401]);
    }
    for (const path of actions) {
      const answer = await fetch(base + path, { method: 'POST', headers: { origin }, redirect: 'manual' });
      expect([path, answer.status]).toEqual([path, 401]);
    }
    expect(await sql('SELECT id, status, attempts FROM txmsg_notification ORDER BY id', [], db.name)).toEqual(before);
  });
});
