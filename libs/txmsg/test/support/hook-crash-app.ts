// A consuming application in a process of its own, for the failure-hook crash test: it parks what
// its fixtures park, and its failure hooks count their runs in the database. Configured by
// environment: TXMSG_TEST_DB (the engine), HOOK_DB, HOOK_URI and, to crash, HOOK_CRASH_POINT; with
// HOOK_RECEIVER (an origin) it may notify that receiver, and with HOOK_NOTIFY_URL it does so once started.
import { Logger } from '@nestjs/common';
import type { CrashPoint } from '../../src/testing';
import { startTestApp } from './app';
import { FailureWatcherModule } from './failure-watcher';
import { NotifyingService } from './fixtures';

async function main(): Promise<void> {
  const app = await startTestApp({
    database: process.env.HOOK_DB!,
    uri: process.env.HOOK_URI!,
    consumer: true,
    modules: [FailureWatcherModule],
    txmsg: {
      crashPoint: (process.env.HOOK_CRASH_POINT || undefined) as CrashPoint | undefined,
      notify: { secrets: process.env.HOOK_RECEIVER ? { [process.env.HOOK_RECEIVER]: 'receiver-key' } : {} },
    },
  });
  if (process.env.HOOK_NOTIFY_URL)
    await app.get(NotifyingService).record('crash-notification', process.env.HOOK_NOTIFY_URL);
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
  process.stdout.write('hook-crash-app ready\n');
}

main().catch((error: unknown) => {
  new Logger('HookCrashApp').error(error);
  process.exit(1);
});
