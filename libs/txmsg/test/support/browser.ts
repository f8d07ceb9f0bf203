import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

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

/**
 * Where the screenshots go: the package docs with `TXMSG_SCREENSHOTS=1` (`npm run screenshots`),
 * else a scratch directory, so a test run takes every screenshot but leaves the tracked ones alone.
 */
const SCREENSHOTS = process.env.TXMSG_SCREENSHOTS
  ? join(__dirname, '..', '..', 'docs', 'console')
  : join(tmpdir(), 'txmsg-console-screenshots');

/** Debian's Chromium, headless, in a profile of its own that `close()` removes. */
export class ConsoleBrowser {
  private constructor(
    readonly context: BrowserContext,
    private readonly profile: string,
  ) {}

  static async launch(): Promise<ConsoleBrowser> {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium is not installed at ${CHROMIUM}: apt-get install -y chromium (.ci/run installs it)`);
    }
    const profile = mkdtempSync(join(tmpdir(), 'txmsg-chromium-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 1360, height: 900 },
    });
    mkdirSync(SCREENSHOTS, { recursive: true });
    return new ConsoleBrowser(context, profile);
  }

  newPage(): Promise<Page> {
    return this.context.newPage();
  }

  /** The whole page as `<name>.png`, for the package README. */
  async screenshot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  }

  async close(): Promise<void> {
    await this.context.close();
    rmSync(this.profile, { recursive: true, force: true });
  }
}

/** Opens `path` of the console at `origin` (answered 401 with the login form) and logs in with `token`. */
export async function logIn(page: Page, origin: string, path: string, token: string): Promise<void> {
  const refused = await page.goto(`${origin}/txmsg/console${path}`);
  if (refused?.status() !== 401) throw new Error(`expected 401 before logging in, got ${refused?.status()}`);
  await page.fill('input[name="token"]', token);
  await page.click('button[type="submit"]');
  await page.waitForURL(`${origin}/txmsg/console`);
}
