import type { LoggerService } from '@nestjs/common';
import { retryUntil } from './retry-until';
import { StartupError } from './startup-error';

const logger: LoggerService = { log: jest.fn(), warn: jest.fn(), error: jest.fn() };

describe(retryUntil.name, () => {
  it('returns as soon as an attempt succeeds', async () => {
    const attempt = jest.fn().mockRejectedValueOnce(new Error('not yet')).mockResolvedValue(undefined);
    await retryUntil('the thing', 5000, logger, attempt);
    expect(attempt).toHaveBeenCalledTimes(2);
  });

  it('gives up after the wait with one sentence naming what and why', async () => {
    const started = Date.now();
    const failure = retryUntil('MariaDB at h:1 (DB_PORT)', 600, logger, async () => {
      throw Object.assign(new Error('connect ECONNREFUSED h:1.'), { code: 'ECONNREFUSED' });
    });
    await expect(failure).rejects.toThrow(
      new StartupError('Cannot use MariaDB at h:1 (DB_PORT): connect ECONNREFUSED h:1.'),
    );
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('does not retry what retrying cannot fix', async () => {
    const attempt = jest.fn().mockRejectedValue(new Error("ER_ACCESS_DENIED_ERROR: Access denied for user 'x'"));
    await expect(retryUntil('MariaDB', 60_000, logger, attempt)).rejects.toThrow(StartupError);
    expect(attempt).toHaveBeenCalledTimes(1);
  });

  it.each(['28P01', '3D000'])("does not retry PostgreSQL's %s (bad password, no such database)", async (code) => {
    const attempt = jest.fn().mockRejectedValue(Object.assign(new Error('refused'), { code }));
    await expect(retryUntil('PostgreSQL', 60_000, logger, attempt)).rejects.toThrow(
      `Cannot use PostgreSQL: ${code} refused.`,
    );
    expect(attempt).toHaveBeenCalledTimes(1);
  });
});
