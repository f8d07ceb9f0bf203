import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { type INestApplication, Injectable, Module } from '@nestjs/common';
import { AggregateRoot, CqrsModule, EventBus, EventPublisher, EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { OutsideTransactionError } from '../src';
import { waitFor } from '../src/testing';
import { startTestApp } from './support/app';
import { EXCHANGE, ThingHappened, ThingService } from './support/fixtures';
import { createTestDatabase, createVhost, dialect, sql } from './support/infra';
import { jsonField } from './support/sql-fragments';
import { BrokerProbe } from './support/probe';

/** An in-process event: not an integration event, so it must keep reaching its handler. */
class ThingNoted {
  constructor(readonly id: string) {}
}

@EventsHandler(ThingNoted)
class ThingNotedHandler implements IEventHandler<ThingNoted> {
  readonly seen: string[] = [];
  handle(event: ThingNoted): void {
    this.seen.push(event.id);
  }
}

/** An in-process handler of the integration event: what it saw when it ran, from outside the transaction. */
@EventsHandler(ThingHappened)
class ThingHappenedHandler implements IEventHandler<ThingHappened> {
  readonly runs: { id: string; committed: boolean; inTransaction: boolean }[] = [];
  constructor(
    private readonly dataSource: DataSource,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
  ) {}
  async handle(event: ThingHappened): Promise<void> {
    const inTransaction = this.txHost.isTransactionActive();
    const rows = await this.dataSource.query(dialect.sql('SELECT id FROM t_ledger WHERE id = ?'), [event.id]);
    this.runs.push({ id: event.id, committed: rows.length === 1, inTransaction });
  }
}

class Thing extends AggregateRoot {
  constructor(private readonly id: string) {
    super();
  }
  happen(note: string): void {
    this.apply(new ThingHappened(this.id, note));
  }
}

@Injectable()
class CqrsThings {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly eventBus: EventBus,
    private readonly publisher: EventPublisher,
  ) {}

  @Transactional()
  async viaEventBus(id: string, fail = false): Promise<void> {
    await this.txHost.tx.query(dialect.sql('INSERT INTO t_ledger (id, note) VALUES (?, ?)'), [id, 'bus']);
    this.eventBus.publish(new ThingHappened(id, 'bus'));
    if (fail) throw new Error('business rule failed after the publish');
  }

  @Transactional()
  async viaAggregate(id: string): Promise<void> {
    await this.txHost.tx.query(dialect.sql('INSERT INTO t_ledger (id, note) VALUES (?, ?)'), [id, 'aggregate']);
    const thing = this.publisher.mergeObjectContext(new Thing(id));
    thing.happen('aggregate');
    thing.commit();
  }

  outsideTransaction(id: string): void {
    this.eventBus.publish(new ThingHappened(id, 'no tx'));
  }

  note(id: string): void {
    this.eventBus.publish(new ThingNoted(id));
  }
}

@Module({ imports: [CqrsModule.forRoot()], providers: [CqrsThings, ThingNotedHandler, ThingHappenedHandler] })
class CqrsFixtureModule {}

describe('Integration events published through @nestjs/cqrs', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let app: INestApplication;
  let probe: BrokerProbe;

  beforeEach(async () => {
    db = await createTestDatabase('cqrs');
    vhost = await createVhost('cqrs');
    probe = await BrokerProbe.open(vhost.uri);
    await probe.watch(EXCHANGE, '#');
    app = await startTestApp({ database: db.name, uri: vhost.uri, modules: [CqrsFixtureModule] });
  });

  afterEach(async () => {
    await app?.close();
    await probe.close();
    await vhost.remove();
    await db.drop();
  });

  const ids = () => probe.payloads().map((p) => p.id);
  /** Publishes a marker the plain way and waits for it: what was to arrive before it has. */
  const settle = async () => {
    await app.get(ThingService).create('marker', 'after');
    await waitFor(() => ids().includes('marker'), { description: 'the marker message' });
  };

  it('sends an integration event published on the EventBus once, after the commit, from the outbox', async () => {
    await app.get(CqrsThings).viaEventBus('b1');
    await waitFor(() => ids().includes('b1'), { description: 'the event on the broker' });
    await settle();
    expect(ids().filter((id) => id === 'b1')).toHaveLength(1);
    const rows = await sql<{ status: string }[]>(
      `SELECT status FROM txmsg_outbox WHERE ${jsonField('payload', 'id')} = 'b1'`,
      [],
      db.name,
    );
    await waitFor(
      async () => (await sql("SELECT 1 FROM txmsg_outbox WHERE status <> 'PUBLISHED'", [], db.name)).length === 0,
      {
        description: 'rows marked published',
      },
    );
    expect(rows).toHaveLength(1);
  });

  it('sends the events an aggregate root commits through the EventPublisher', async () => {
    await app.get(CqrsThings).viaAggregate('a1');
    await waitFor(() => ids().includes('a1'), { description: 'the event on the broker' });
    await settle();
    expect(ids().filter((id) => id === 'a1')).toHaveLength(1);
  });

  it('sends nothing when the local transaction rolls back', async () => {
    await expect(app.get(CqrsThings).viaEventBus('r1', true)).rejects.toThrow('business rule failed');
    await settle();
    expect(ids()).toEqual(['marker']);
    expect(await sql(`SELECT 1 FROM txmsg_outbox WHERE ${jsonField('payload', 'id')} = 'r1'`, [], db.name)).toEqual([]);
  });

  it('refuses an integration event outside a transaction and publishes nothing', async () => {
    expect(() => app.get(CqrsThings).outsideTransaction('x1')).toThrow(OutsideTransactionError);
    await settle();
    expect(ids()).toEqual(['marker']);
    expect(await sql('SELECT 1 FROM txmsg_outbox', [], db.name)).toHaveLength(1);
  });

  it("runs the app's in-process handlers of an integration event once, after the commit, outside the transaction", async () => {
    await app.get(CqrsThings).viaEventBus('h1');
    await app.get(CqrsThings).viaAggregate('h2');
    const handler = app.get(ThingHappenedHandler);
    await waitFor(() => handler.runs.length >= 2, { description: 'the in-process handler ran for both' });
    await settle();
    expect(handler.runs.filter((r) => r.id !== 'marker')).toEqual([
      { id: 'h1', committed: true, inTransaction: false },
      { id: 'h2', committed: true, inTransaction: false },
    ]);
  });

  it('never runs the in-process handlers of an integration event whose transaction rolled back', async () => {
    await expect(app.get(CqrsThings).viaEventBus('r2', true)).rejects.toThrow('business rule failed');
    await app.get(CqrsThings).viaEventBus('after-r2');
    const handler = app.get(ThingHappenedHandler);
    await waitFor(() => handler.runs.some((r) => r.id === 'after-r2'), { description: 'the next event handled' });
    expect(handler.runs.map((r) => r.id)).toEqual(['after-r2']);
  });

  it('keeps other events on the in-process bus', async () => {
    app.get(CqrsThings).note('n1');
    await waitFor(() => app.get(ThingNotedHandler).seen.includes('n1'), { description: 'the local handler ran' });
  });
});
