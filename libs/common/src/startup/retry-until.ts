import type { LoggerService } from '@nestjs/common';
import { errorText } from '../errors/error-text';
import { StartupError } from './startup-error';

/**
 * Errors that retrying cannot fix: bad credentials or an unknown database (MariaDB/MySQL's
 * ER_* codes, PostgreSQL's 28000, 28P01 and 3D000), a refused vhost.
 */
const PERMANENT =
  /ER_ACCESS_DENIED|ER_BAD_DB_ERROR|ER_DBACCESS_DENIED|\b(28000|28P01|3D000)\b|ACCESS[-_]REFUSED|NOT[-_]ALLOWED/;

/**
 * Runs `attempt` until it succeeds or `waitMs` has passed, then fails with one sentence naming
 * `what` and the last error. `attempt` receives the time left so one slow try cannot overrun the
 * deadline. Used for the database and the broker at start-up.
 */
export async function retryUntil(
  what: string,
  waitMs: number,
  logger: LoggerService,
  attempt: (remainingMs: number) => Promise<void>,
): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (let delay = 250; ; delay = Math.min(delay * 2, 3000)) {
    try {
      await attempt(Math.max(deadline - Date.now(), 500));
      return;
    } catch (error) {
      const reason = describe(error);
      if (PERMANENT.test(reason) || Date.now() + delay > deadline) {
        throw new StartupError(`Cannot use ${what}: ${reason}.`);
      }
      logger.warn(`${what} not ready (${reason}); retrying in ${delay} ms`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

function describe(error: unknown): string {
  const code = (error as { code?: string } | null | undefined)?.code;
  const message = errorText(error).replace(/\s+/g, ' ').trim().replace(/\.$/, '');
  return code && !message.includes(code) ? `${code} ${message}` : message;
}
