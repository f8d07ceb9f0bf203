import { Logger } from '@nestjs/common';
import { maskCredentials } from '@txmsg/nestjs';
import { connect } from 'amqplib';
import { retryUntil } from './retry-until';

const logger = new Logger('Broker');

/**
 * Waits (bounded) until RabbitMQ accepts a connection to the configured vhost, so a wrong
 * RABBITMQ_URL fails start-up with one sentence instead of a reconnect loop. With the addresses of
 * several cluster nodes, one node that accepts is enough: the service connects to any live node
 * and moves to another when its node goes away.
 */
export async function ensureBroker(urls: string[], waitMs: number): Promise<void> {
  const what = `RabbitMQ at ${maskCredentials(urls.join(','))} (RABBITMQ_URL)`;
  await retryUntil(what, waitMs, logger, async (remainingMs) => {
    const failures: Error[] = [];
    for (const url of urls) {
      const connection = await connect(url, { timeout: Math.min(remainingMs, 3000) }).catch((error: Error) => {
        failures.push(refusedVhost(error, url) ?? maskedError(error));
      });
      if (!connection) continue;
      await connection.close();
      return;
    }
    // A vhost exists cluster-wide: one node refusing it is the answer; else the first node's reason.
    throw failures.find((error) => error.message.startsWith('NOT_ALLOWED')) ?? failures[0];
  });
}

function maskedError(error: Error): Error {
  return Object.assign(new Error(maskCredentials(error.message)), { code: (error as { code?: string }).code });
}

// amqplib reports a refused vhost only as an unexpected frame; say what it means, and mark it
// NOT_ALLOWED so retryUntil gives up at once.
function refusedVhost(error: Error, url: string): Error | undefined {
  if (!/Expected ConnectionOpenOk; got <ConnectionClose/.test(error.message)) return undefined;
  const vhost = decodeURIComponent(new URL(url).pathname.slice(1)) || '/';
  return new Error(`NOT_ALLOWED: the broker refused vhost "${vhost}" (missing, or no permission for this user)`);
}
