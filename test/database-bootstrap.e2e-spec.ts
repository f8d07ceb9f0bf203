import { randomBytes } from 'node:crypto';
import { type DatabaseConfig, ensureDatabase } from '@app/common';
import { withMigrationLock } from '@app/common/database/migration-lock';
import { waitFor } from '@txmsg/nestjs/testing';
import {
  dropTestDatabase,
  lockWaiters,
  serverFor,
  type TestEngine,
  testDatabaseExists,
} from './support/test-databases';

/** A fresh test database name on `type`'s server, not created yet. */
function freshDatabase(type: TestEngine): DatabaseConfig {
  const { host, port, user, password } = serverFor(type);
  return {
    type,
    host,
    port,
    user,
    password,
    database: `t_boot_${randomBytes(4).toString('hex')}`,
    migrate: true,
    poolSize: 2,
  };
}

/** A promise and the function that settles it, to hold a lock exactly as long as a test wants. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe.each(['mysql', 'postgres'] as const)('database bootstrap on %s', (type) => {
  const created: string[] = [];
  const fresh = () => {
    const db = freshDatabase(type);
    created.push(db.database);
    return db;
  };

  afterAll(async () => {
    for (const database of created) await dropTestDatabase(type, database);
  });

  it('creates a missing database, and several instances doing so at once all succeed', async () => {
    const db = fresh();
    await Promise.all([ensureDatabase(db, 5000), ensureDatabase(db, 5000), ensureDatabase(db, 5000)]);
    expect(await testDatabaseExists(type, db.database)).toBe(true);
    await ensureDatabase(db, 5000); // again: harmless
  });

  it('refuses a missing database at once when migrations are off', async () => {
    const db = { ...fresh(), migrate: false };
    const started = Date.now();
    await expect(ensureDatabase(db, 20_000)).rejects.toThrow(`database "${db.database}"`);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await testDatabaseExists(type, db.database)).toBe(false);
  });

  it('lets one instance at a time run its migrations, and gives up on a lock held past the wait', async () => {
    const db = fresh();
    await ensureDatabase(db, 5000);
    const first = gate();
    const steps: string[] = [];
    const holding = withMigrationLock(db, 10_000, async () => {
      steps.push('first in');
      await first.opened;
      steps.push('first out');
    });
    await waitFor(() => steps.includes('first in'), { timeoutMs: 5000 });
    await expect(withMigrationLock(db, 1000, async () => steps.push('impatient in'))).rejects.toThrow(
      `Another instance kept migrating database "${db.database}" for longer than STARTUP_WAIT.`,
    );
    const second = withMigrationLock(db, 10_000, async () => steps.push('second in'));
    await waitFor(async () => (await lockWaiters(type)) > 0, { timeoutMs: 5000, description: 'second waits' });
    expect(steps).toEqual(['first in']);
    first.open();
    await Promise.all([holding, second]);
    expect(steps).toEqual(['first in', 'first out', 'second in']);
  });
});
