import type { INestApplication } from '@nestjs/common';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { waitFor } from '../src/testing';
import { startTestApp } from './support/app';
import { EXCHANGE, THING_HAPPENED, ThingConsumer } from './support/fixtures';
import { createTestDatabase, createVhost, sql } from './support/infra';
import { BrokerProbe } from './support/probe';

const CHROMIUM = '/usr/bin/chromium';
// Without the networking flags Chromium keeps calling home, which a closed network answers slowly.
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SCREENSHOTS = join(__dirname, '..', 'docs', 'console');

describe('Operator console in a browser', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let app: INestApplication;
  let probe: BrokerProbe;
  let browser: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium is not installed at ${CHROMIUM}: apt-get install -y chromium (.ci/run installs it)`);
    }
    db = await createTestDatabase('console_browser');
    vhost = await createVhost('console_browser');
    app = await startTestApp({
      database: db.name,
      uri: vhost.uri,
      consumer: true,
      listen: true,
      txmsg: { console: true },
    });
    probe = await BrokerProbe.open(vhost.uri);
    profile = mkdtempSync(join(tmpdir(), 'txmsg-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 1280, height: 800 },
    });
  });

  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await probe?.close();
    await app?.close();
    await vhost?.remove();
    await db?.drop();
  });

  const times = async (effect: string) =>
    Number((await sql('SELECT times FROM t_effects WHERE k = ?', [effect], db.name))[0]?.times ?? 0);

  it('logs in, finds a parked message, sees its body and error, requeues it and sees it applied once', async () => {
    const consumer = app.get(ThingConsumer);
    for (const id of ['order-41', 'order-42']) {
      consumer.failures.set(id, 'unrecoverable');
      await probe.publish(
        EXCHANGE,
        THING_HAPPENED,
        { id, note: 'customer address missing' },
        { messageId: `${id}-msg` },
      );
    }
    await waitFor(async () => (await sql('SELECT COUNT(*) AS n FROM txmsg_inbox_failure', [], db.name))[0].n == 2, {
      description: 'two messages parked',
    });
    const origin = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    mkdirSync(SCREENSHOTS, { recursive: true });
    const page = await browser.newPage();

    // A page without the session answers 401 with the login form.
    const refused = await page.goto(`${origin}/txmsg/console/failures`);
    expect(refused?.status()).toBe(401);
    await page.fill('input[name="token"]', 'test-admin-token');
    await page.click('button[type="submit"]');
    await page.waitForURL(`${origin}/txmsg/console`);
    await page.getByRole('heading', { name: 'Parked, by consumer' }).waitFor();
    await page.getByText('UNRECOVERABLE').first().waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'overview.png'), fullPage: true });

    await page.click('header >> text=Failures');
    await page.selectOption('select[name="status"]', 'PARKED');
    await page.click('text=Filter');
    await page.waitForURL(/failures\?status=PARKED/);
    await page.screenshot({ path: join(SCREENSHOTS, 'failures.png'), fullPage: true });

    const row = page.locator('tr', { hasText: 'order-42-msg' });
    await row.locator('a').first().click();
    await page.getByRole('heading', { name: 'Message order-42-msg' }).waitFor();
    expect(await page.textContent('#body')).toContain('"note": "customer address missing"');
    expect(await page.textContent('#last-error')).toContain('payload order-42 is not acceptable');
    await page.screenshot({ path: join(SCREENSHOTS, 'message.png'), fullPage: true });

    // The cause is fixed; the operator requeues the message.
    consumer.failures.delete('order-42');
    await page.click('button:has-text("Requeue")');
    await page.getByText('Requeued 1 message.').waitFor();
    await waitFor(async () => (await times('thing:order-42')) === 1, { description: 'order-42 applied' });
    // Once handled, the message is no longer among the failed ones.
    await waitFor(
      async () => {
        const answer = await page.reload();
        return answer?.status() === 404;
      },
      { description: 'the message page says it is gone' },
    );
    expect(await page.textContent('main')).toContain('requeued and handled');
    expect(await times('thing:order-42')).toBe(1);
    expect(await times('thing:order-41')).toBe(0);
  });
});
