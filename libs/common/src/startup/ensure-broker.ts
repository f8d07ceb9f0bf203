import { Logger } from '@nestjs/common';
import { connect } from 'amqplib';
import { retryUntil } from './retry-until';

const logger = new Logger('Broker');

/**
 * Waits (bounded) until RabbitMQ accepts a connection to the configured vhost, so a wrong
 * RABBITMQ_URL fails start-up with one sentence instead of a reconnect loop.
 */
export async function ensureBroker(url: string, waitMs: number): Promise<void> {
  await retryUntil(`RabbitMQ at ${withoutPassword(url)} (RABBITMQ_URL)`, waitMs, logger, async (remainingMs) => {
    const connection = await connect(url, { timeout: Math.min(remainingMs, 3000) }).catch((error: Error) => {
      throw refusedVhost(error, url) ?? error;
    });
    await connection.close();
  });
}

/** The URL with its password masked, fit for a log line. */
export function withoutPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

// amqplib reports a refused vhost only as an unexpected frame; say what it means, and mark it
// NOT_ALLOWED so retryUntil gives up at once.
function refusedVhost(error: Error, url: string): Error | undefined {
  if (!/Expected ConnectionOpenOk; got <ConnectionClose/.test(error.message)) return undefined;
  const vhost = decodeURIComponent(new URL(url).pathname.slice(1)) || '/';
  return new Error(`NOT_ALLOWED: the broker refused vhost "${vhost}" (missing, or no permission for this user)`);
}
