import { Propagation, TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { INestApplication } from '@nestjs/common';
import { Outbox } from '../src';
import { waitFor } from '../src/testing';
import { startTestApp } from './support/app';
import { EXCHANGE, THING_HAPPENED } from './support/fixtures';
import { createTestDatabase, createVhost, sql } from './support/infra';
import { jsonField } from './support/sql-fragments';
import { BrokerProbe } from './support/probe';

class Refused extends Error {}

describe('Messages written in nested transactions', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let probe: BrokerProbe;

  // One database, vhost and watcher for the file: each test writes ids of its own.
  beforeAll(async () => {
    db = await createTestDatabase('nested');
    vhost = await createVhost('nested');
    probe = await BrokerProbe.open(vhost.uri);
    await probe.watch(EXCHANGE, '#');
  });

  afterAll(async () => {
    await probe?.close();
    await vhost?.remove();
    await db?.drop();
  });

  describe.each([
    ['published at commit', { dispatchOnCommit: true }],
    ['published by the woken relay', { dispatchOnCommit: false }],
  ])('%s', (variant, relay) => {
    let app: INestApplication;
    let txHost: TransactionHost<TransactionalAdapterTypeOrm>;
    let outbox: Outbox;
    let prefix: string;

    // The relay never polls on its own here: whatever goes out was handed over or woken by a commit.
    beforeAll(async () => {
      app = await startTestApp({
        database: db.name,
        uri: vhost.uri,
        txmsg: { relay: { pollIntervalMs: 600_000, ...relay } },
      });
      txHost = app.get(TransactionHost);
      outbox = app.get(Outbox);
    });

    afterAll(async () => {
      await app?.close();
    });

    let testNo = 0;
    beforeEach(() => {
      prefix = `${variant === 'published at commit' ? 'd' : 'r'}${++testNo}-`;
    });

    const write = (id: string) => outbox.add({ routingKey: THING_HAPPENED, payload: { id: prefix + id } });
    const received = () =>
      probe
        .payloads()
        .map((p: { id: string }) => p.id)
        .filter((id) => id.startsWith(prefix))
        .map((id) => id.slice(prefix.length));
    const outboxRows = async () =>
      (
        await sql<{ id: string; status: string }[]>(
          `SELECT ${jsonField('payload', 'id')} AS id, status FROM txmsg_outbox WHERE ${jsonField('payload', 'id')} LIKE ? ORDER BY 1`,
          [`${prefix}%`],
          db.name,
        )
      ).map((row) => ({ ...row, id: row.id.slice(prefix.length) }));

    /** Commits `id` in a transaction of its own and waits for it: what was sent before it has arrived too. */
    async function sentinel(id: string): Promise<void> {
      await txHost.withTransaction(Propagation.RequiresNew, () => write(id));
      await waitFor(() => received().includes(id), { timeoutMs: 5000, description: `sentinel ${id} received` });
    }

    it('publishes what a committed nested transaction wrote only after the outermost commit', async () => {
      await txHost.withTransaction(async () => {
        await write('outer');
        await txHost.withTransaction(Propagation.Nested, () => write('inner'));
        await sentinel('during');
        expect(received()).toEqual(['during']);
      });
      await waitFor(() => received().length === 3, { timeoutMs: 5000, description: 'both sent after the commit' });
      expect(received().sort()).toEqual(['during', 'inner', 'outer']);
      await waitFor(async () => (await outboxRows()).every((row) => row.status === 'PUBLISHED'), {
        description: 'rows marked published',
      });
    });

    it('sends nothing a nested transaction wrote when the outer one rolls back', async () => {
      const doomed = txHost.withTransaction(async () => {
        await write('outer');
        await txHost.withTransaction(Propagation.Nested, () => write('inner'));
        await txHost.withTransaction(Propagation.Nested, () =>
          txHost.withTransaction(Propagation.Nested, () => write('innermost')),
        );
        throw new Refused();
      });
      await expect(doomed).rejects.toBeInstanceOf(Refused);
      expect(await outboxRows()).toEqual([]);
      await sentinel('after');
      expect(received()).toEqual(['after']);
    });

    it('drops only what a rolled-back nested transaction wrote, and sends what the outer one wrote', async () => {
      await txHost.withTransaction(async () => {
        await write('before');
        const inner = txHost.withTransaction(Propagation.Nested, async () => {
          await write('inner');
          // Committed into the inner one, so it goes with it.
          await txHost.withTransaction(Propagation.Nested, () => write('innermost'));
          throw new Refused();
        });
        await expect(inner).rejects.toBeInstanceOf(Refused);
      });
      await waitFor(() => received().length === 1, { timeoutMs: 5000, description: "the outer transaction's message" });
      await sentinel('last');
      expect(received().sort()).toEqual(['before', 'last']);
      await waitFor(async () => (await outboxRows()).every((row) => row.status === 'PUBLISHED'), {
        description: 'rows marked published',
      });
      expect((await outboxRows()).map((row) => row.id)).toEqual(['before', 'last']);
    });
  });
});
