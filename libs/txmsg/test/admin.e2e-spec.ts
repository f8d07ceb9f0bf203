import type { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { RetryScheduler } from '../src/consumer/retry-scheduler';
import { startTestApp } from './support/app';
import { createTestDatabase, createVhost, dialect, sql } from './support/infra';
import { series, storedBody } from './support/sql-fragments';

const PARKED = 2100;

describe('Admin API over many parked messages', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let app: INestApplication;

  beforeAll(async () => {
    db = await createTestDatabase('admin');
    vhost = await createVhost('admin');
    app = await startTestApp({ database: db.name, uri: vhost.uri, listen: true, txmsg: { relay: { enabled: false } } });
    // Requeued rows stay WAITING, so the test sees exactly what the API changed.
    await app.get(RetryScheduler, { strict: false }).beforeApplicationShutdown();
  });

  afterAll(async () => {
    await app.close();
    await vhost.remove();
    await db.drop();
  });

  beforeEach(async () => {
    await sql('DELETE FROM txmsg_inbox_failure', [], db.name);
    // A sequence (MariaDB's sequence engine, PostgreSQL's generate_series): PARKED rows in one statement.
    await sql(
      `INSERT INTO txmsg_inbox_failure
         (consumer, message_id, queue, exchange, routing_key, properties, body, attempts, status, reason, next_attempt_at, last_error)
       SELECT 'c', CONCAT('m-', seq), 't.sink', 'txmsg.events', 't', '{}', ${storedBody("'{}'")}, 4, 'PARKED', 'EXHAUSTED', ${dialect.now}, 'boom'
         FROM ${series(PARKED)}`,
      [],
      db.name,
    );
  });

  const admin = () => request(app.getHttpServer());
  const auth = { Authorization: 'Bearer test-admin-token' };
  const count = async (status: string) =>
    Number((await sql('SELECT COUNT(*) AS n FROM txmsg_inbox_failure WHERE status = ?', [status], db.name))[0].n);
  /** The statements the application sends to the database while `work` runs. */
  const statementsDuring = async (work: () => Promise<unknown>) => {
    const query = jest.spyOn(app.get<DataSource>(getDataSourceToken()), 'query');
    try {
      await work();
      return query.mock.calls.map(([statement, params]) => ({
        statement: String(statement),
        params: params as unknown[],
      }));
    } finally {
      query.mockRestore();
    }
  };

  it('pages through every parked message once, newest first, with an opaque cursor', async () => {
    const seen: string[] = [];
    let after: string | null | undefined;
    let pages = 0;
    do {
      const { body } = await admin()
        .get('/txmsg/parked')
        .query({ limit: 1000, ...(after ? { after } : {}) })
        .set(auth)
        .expect(200);
      expect(body.items.length).toBeLessThanOrEqual(1000);
      seen.push(...body.items.map((item: { id: string }) => item.id));
      after = body.nextCursor;
      pages++;
    } while (after);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(PARKED);
    expect(seen.map(Number)).toEqual([...seen.map(Number)].sort((a, b) => b - a));

    // The same paging on /txmsg/failures, and a cursor is nothing a client should build.
    const first = await admin().get('/txmsg/failures?status=PARKED&limit=5').set(auth).expect(200);
    const second = await admin()
      .get('/txmsg/failures')
      .query({ status: 'PARKED', limit: 5, after: first.body.nextCursor })
      .set(auth)
      .expect(200);
    expect(second.body.items.map((i: { id: string }) => i.id)).toEqual(seen.slice(5, 10));
    for (const after of ['1', 'abc', Buffer.from('failure:x').toString('base64url'), 'a'.repeat(100)]) {
      const { body } = await admin().get('/txmsg/parked').query({ after }).set(auth).expect(400);
      expect(body.message).toBe('after must be a nextCursor returned by a previous page');
    }
  });

  it('requeues all parked messages in statements of at most 500 rows', async () => {
    const statements = await statementsDuring(() =>
      admin().post('/txmsg/parked/requeue').set(auth).expect(200, { requeued: PARKED }),
    );
    const updates = statements.filter((s) => /^\s*UPDATE txmsg_inbox_failure/.test(s.statement));
    expect(updates.map((u) => (u.params[0] as string[]).length)).toEqual([500, 500, 500, 500, 100]);
    expect(await count('PARKED')).toBe(0);
    expect(await count('WAITING')).toBe(PARKED);
  });

  it('purges all parked messages in statements of at most 500 rows', async () => {
    const statements = await statementsDuring(() =>
      admin().delete('/txmsg/parked').set(auth).expect(200, { purged: PARKED }),
    );
    const deletes = statements.filter((s) => /^\s*DELETE FROM txmsg_inbox_failure/.test(s.statement));
    expect(deletes.map((d) => (d.params[0] as string[]).length)).toEqual([500, 500, 500, 500, 100]);
    expect(await count('PARKED')).toBe(0);
  });

  it('requeues and purges by filter in statements of at most 500 rows, leaving the rest parked', async () => {
    const fingerprint = 'ab12ab12ab12ab12';
    await sql('UPDATE txmsg_inbox_failure SET fingerprint = ? WHERE MOD(id, 2) = 0', [fingerprint], db.name);
    const marked = Number(
      (await sql('SELECT COUNT(*) AS n FROM txmsg_inbox_failure WHERE fingerprint = ?', [fingerprint], db.name))[0].n,
    );
    expect(marked).toBe(PARKED / 2);
    const requeue = await statementsDuring(() =>
      admin().post('/txmsg/parked/requeue').query({ fingerprint }).set(auth).expect(200, { requeued: marked }),
    );
    const updates = requeue.filter((s) => /^\s*UPDATE txmsg_inbox_failure/.test(s.statement));
    expect(updates.map((u) => (u.params[0] as string[]).length)).toEqual([500, 500, 50]);
    expect(await count('WAITING')).toBe(marked);
    expect(await count('PARKED')).toBe(PARKED - marked);

    const purge = await statementsDuring(() =>
      admin()
        .delete('/txmsg/parked')
        .query({ consumer: 'c', fingerprint: 'none' })
        .set(auth)
        .expect(200, { purged: PARKED - marked }),
    );
    const deletes = purge.filter((s) => /^\s*DELETE FROM txmsg_inbox_failure/.test(s.statement));
    expect(deletes.map((d) => (d.params[0] as string[]).length)).toEqual([500, 500, 50]);
    expect(await count('PARKED')).toBe(0);
    expect(await count('WAITING')).toBe(marked);
  });
});
