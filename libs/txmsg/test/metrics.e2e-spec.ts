import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { TcpProxy } from '../../../test/support/tcp-proxy';
import { waitFor } from '../src/testing';
import { startTestApp } from './support/app';
import { createTestDatabase, createVhost, DB, sql } from './support/infra';

describe('Metrics when the database is down', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let proxy: TcpProxy;
  let app: INestApplication;

  beforeAll(async () => {
    db = await createTestDatabase('metrics');
    vhost = await createVhost('metrics');
    proxy = await TcpProxy.start(DB.host, DB.port);
    app = await startTestApp({
      database: db.name,
      uri: vhost.uri,
      dbPort: proxy.port,
      listen: true,
      txmsg: { relay: { enabled: false } },
    });
  });

  afterAll(async () => {
    await proxy.up();
    await app.close();
    await proxy.close();
    await vhost.remove();
    await db.drop();
  });

  const scrape = async () => (await request(app.getHttpServer()).get('/metrics').expect(200)).text;
  const value = (text: string, series: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `) || l.startsWith(`${series}{`));
    return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
  };

  it('reports the backlog as unknown, never as empty, while the database is down, and recovers', async () => {
    await sql(
      `INSERT INTO txmsg_outbox (message_id, type, exchange, routing_key, payload, status) VALUES ('waiting', 't', 'txmsg.events', 't', '{}', 'READY')`,
      [],
      db.name,
    );
    let text = await scrape();
    expect(value(text, 'txmsg_backlog_up')).toBe(1);
    expect(text).toContain('txmsg_outbox_backlog{status="READY",service="test-svc"} 1');
    expect(value(text, 'txmsg_backlog_read_errors_total')).toBe(0);

    await proxy.down();
    text = await scrape();
    expect(value(text, 'txmsg_backlog_up')).toBe(0);
    expect(value(text, 'txmsg_backlog_read_errors_total')).toBe(1);
    // No backlog series at all: an alert on a backlog threshold cannot read "no backlog" here.
    expect(text).not.toMatch(/^txmsg_(outbox_backlog|inbox_failures|notifications)\{/m);
    // What does not come from the database is still served.
    expect(text).toContain('process_resident_memory_bytes');

    await proxy.up();
    await waitFor(async () => value(await scrape(), 'txmsg_backlog_up') === 1, { description: 'backlog read again' });
    text = await scrape();
    expect(text).toContain('txmsg_outbox_backlog{status="READY",service="test-svc"} 1');
    expect(value(text, 'txmsg_backlog_read_errors_total')).toBeGreaterThanOrEqual(1);
  });
});
