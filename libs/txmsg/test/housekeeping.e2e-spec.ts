import type { INestApplication } from '@nestjs/common';
import { Housekeeper } from '../src';
import { startTestApp } from './support/app';
import { createTestDatabase, createVhost, sql } from './support/infra';

describe('Housekeeping', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let app: INestApplication;

  beforeAll(async () => {
    db = await createTestDatabase('housekeeping');
    vhost = await createVhost('housekeeping');
    // Retention 60 s (FAST), batches of 2: every purge below takes several DELETEs.
    app = await startTestApp({ database: db.name, uri: vhost.uri, txmsg: { relay: { enabled: false } } });
  });

  afterAll(async () => {
    await app.close();
    await vhost.remove();
    await db.drop();
  });

  const outbox = (id: string, status: string, finishedAgoSeconds: number | null) =>
    sql(
      `INSERT INTO txmsg_outbox (message_id, type, exchange, routing_key, payload, status, finished_at)
       VALUES (?, 't', 'txmsg.events', 't', '{}', ?, ${finishedAgoSeconds === null ? 'NULL' : 'DATE_SUB(NOW(3), INTERVAL ? SECOND)'})`,
      finishedAgoSeconds === null ? [id, status] : [id, status, finishedAgoSeconds],
      db.name,
    );
  const dedup = (key: string, agoSeconds: number) =>
    sql(
      `INSERT INTO txmsg_dedup (consumer, dedup_key, processed_at) VALUES ('c', ?, DATE_SUB(NOW(3), INTERVAL ? SECOND))`,
      [key, agoSeconds],
      db.name,
    );

  it('purges published, discarded and dedup rows past retention in small batches, and nothing else', async () => {
    for (let i = 0; i < 5; i++) await outbox(`old-pub-${i}`, 'PUBLISHED', 3600);
    await outbox('old-discarded', 'DISCARDED', 3600);
    await outbox('recent-pub', 'PUBLISHED', 10);
    await outbox('ready', 'READY', null);
    await outbox('prepared', 'PREPARED', null);
    for (let i = 0; i < 3; i++) await dedup(`old-${i}`, 3600);
    await dedup('recent', 10);

    expect(await app.get(Housekeeper).purgeOnce()).toEqual({ outbox: 6, dedup: 3 });

    const left = await sql<{ message_id: string }[]>('SELECT message_id FROM txmsg_outbox ORDER BY message_id', [], db.name);
    expect(left.map((r) => r.message_id)).toEqual(['prepared', 'ready', 'recent-pub']);
    expect(await sql('SELECT dedup_key FROM txmsg_dedup', [], db.name)).toEqual([{ dedup_key: 'recent' }]);
  });
});
