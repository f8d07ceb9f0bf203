// A service in a process of its own, with the operator console on, that notifies a receiver at
// NOTIFY_RECEIVER (an origin on 127.0.0.1): on start it records SHOP notifications to its
// /hooks/shop (with a token in the query) and CRM to its /hooks/crm, on a short ladder.
// Prints `notifications-app ready <port>` once it listens. Env: TXMSG_TEST_DB, CONSOLE_DB, CONSOLE_URI.
import type { AddressInfo } from 'node:net';
import { startTestApp } from './app';
import { NotifyingService } from './fixtures';

export const SHOP = ['order-1', 'order-2', 'order-3', 'order-4'];
export const CRM = ['customer-1', 'customer-2'];
export const SHOP_PATH = '/hooks/shop';

async function main(): Promise<void> {
  const receiver = process.env.NOTIFY_RECEIVER!;
  const app = await startTestApp({
    database: process.env.CONSOLE_DB!,
    uri: process.env.CONSOLE_URI!,
    listen: true,
    txmsg: {
      console: true,
      // An IP literal listed as a receiver: the only way the notifier reaches a non-public address.
      notify: {
        secrets: { [receiver]: 'receiver-key' },
        retryPolicies: { [receiver]: { ladder: [50], maxAttempts: 3 } },
      },
    },
  });
  const notifying = app.get(NotifyingService);
  for (const subject of SHOP) await notifying.record(subject, `${receiver}${SHOP_PATH}?token=s3cret`);
  for (const subject of CRM) await notifying.record(subject, `${receiver}/hooks/crm`);
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
  process.stdout.write(`notifications-app ready ${(app.getHttpServer().address() as AddressInfo).port}\n`);
}

// Imported by the test for its constants, it must not start a second application there.
if (require.main === module) {
  void main().catch((error) => {
    process.stderr.write(`${(error as Error).stack}\n`);
    process.exit(1);
  });
}
