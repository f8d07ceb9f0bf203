import { DataSource, type DataSourceOptions } from 'typeorm';
import { TXMSG_MIGRATIONS } from '../src';
import { createTestDatabase, DB, ENGINE, sql } from './support/infra';

/** Every column of the library's tables once all its migrations ran: the same on both engines. */
const COLUMNS = {
  txmsg_dedup: 'consumer dedup_key message_id payload_hash processed_at',
  txmsg_failure_hook: 'attempts created_at event id last_error next_attempt_at outcome',
  txmsg_inbox_failure:
    'attempts body body_size consumer created_at dedup_key error_class exchange fingerprint id last_error last_stack message_id next_attempt_at payload_hash properties queue reason routing_key status updated_at',
  txmsg_inbox_failure_attempt: 'at attempt error error_class failure_id id outcome reason retry_at trace_id',
  txmsg_notification:
    'attempts body created_at finished_at id last_error last_status next_attempt_at notification_id status subject target_url trace_context type',
  txmsg_notification_attempt: 'attempt attempted_at duration_ms error id notification_id status_code',
  txmsg_ordering_cursor: 'blocked_at blocked_seq consumer last_seq max_held_seq ordering_key source',
  txmsg_ordering_held:
    'body consumer held_at id message_id next_attempt_at ordering_key properties queue seq source version',
  txmsg_ordering_sequence: 'last_seq ordering_key',
  txmsg_outbox:
    'attempts check_count correlation_id created_at exchange finished_at headers id last_error message_id next_attempt_at payload routing_key status trace_context tx_group type',
};

/** Column types the stores rely on, where the engines differ. */
const TYPES =
  ENGINE === 'postgres'
    ? {
        'txmsg_outbox.payload': 'json',
        'txmsg_outbox.headers': 'json',
        'txmsg_outbox.created_at': 'timestamp with time zone',
        'txmsg_inbox_failure.body': 'bytea',
        'txmsg_notification.body': 'json',
        'txmsg_dedup.dedup_key': 'character varying',
        'txmsg_ordering_held.body': 'bytea',
      }
    : {
        'txmsg_outbox.payload': 'longtext',
        'txmsg_outbox.created_at': 'datetime',
        'txmsg_inbox_failure.body': 'longtext',
        'txmsg_notification.body': 'longtext',
        'txmsg_dedup.dedup_key': 'varchar',
        'txmsg_ordering_held.body': 'longtext',
      };

describe(`TXMSG_MIGRATIONS on ${ENGINE}`, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('migrations');
    const shared = {
      host: DB.host,
      port: DB.port,
      username: DB.user,
      password: DB.password,
      database: db.name,
      migrations: TXMSG_MIGRATIONS,
      logging: false,
    };
    const options: DataSourceOptions =
      ENGINE === 'postgres' ? { type: 'postgres', ...shared } : { type: 'mysql', ...shared, timezone: 'Z' };
    dataSource = await new DataSource(options).initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  /** `table.column` → data type, of the library's tables in the test database. */
  const columns = async () => {
    const schema = ENGINE === 'postgres' ? 'public' : db.name;
    const rows = await sql<{ t: string; c: string; type: string }[]>(
      `SELECT table_name AS t, column_name AS c, data_type AS type FROM information_schema.columns
        WHERE table_schema = ? AND table_name LIKE 'txmsg%'`,
      [schema],
      db.name,
    );
    return new Map(rows.map((r) => [`${r.t}.${r.c}`, r.type.toLowerCase()]));
  };
  const expected = Object.entries(COLUMNS)
    .flatMap(([table, names]) => names.split(' ').map((name) => `${table}.${name}`))
    .sort();

  it('creates every table in its current form, and is idempotent', async () => {
    expect((await dataSource.runMigrations()).map((m) => m.name)).toHaveLength(TXMSG_MIGRATIONS.length);
    const found = await columns();
    expect([...found.keys()].sort()).toEqual(expected);
    for (const [column, type] of Object.entries(TYPES)) expect([column, found.get(column)]).toEqual([column, type]);
    expect(await dataSource.runMigrations()).toEqual([]);
  });

  it('compares keys exactly and keeps a failed message once per (consumer, message id, body)', async () => {
    const dedup = 'INSERT INTO txmsg_dedup (consumer, dedup_key) VALUES (?, ?)';
    await sql(dedup, ['c', 'Order-7'], db.name);
    await sql(dedup, ['c', 'order-7'], db.name);
    await expect(sql(dedup, ['c', 'order-7'], db.name)).rejects.toThrow();

    const failure = `INSERT INTO txmsg_inbox_failure
        (consumer, message_id, payload_hash, queue, exchange, routing_key, properties, body, attempts, status, next_attempt_at)
      VALUES ('c', 'm-1', ?, 'q', 'x', 'k', '{}', 'e30=', 1, 'PARKED', CURRENT_TIMESTAMP)`;
    await sql(failure, ['a'.repeat(64)], db.name);
    await sql(failure, ['b'.repeat(64)], db.name);
    await expect(sql(failure, ['b'.repeat(64)], db.name)).rejects.toThrow();

    const outbox = `INSERT INTO txmsg_outbox (message_id, type, exchange, routing_key, payload, status)
      VALUES (?, 't', 'x', 'k', '{"id":1}', 'READY')`;
    await sql(outbox, ['Msg-1'], db.name);
    await sql(outbox, ['msg-1'], db.name);
    const [row] = await sql<{ id: number; created_at: Date; attempts: number }[]>(
      "SELECT id, created_at, attempts FROM txmsg_outbox WHERE message_id = 'Msg-1'",
      [],
      db.name,
    );
    expect(row).toEqual({ id: expect.any(Number), created_at: expect.any(Date), attempts: 0 });
    expect(Math.abs(row.created_at.getTime() - Date.now())).toBeLessThan(60_000);
  });

  /** The columns of index `name`, in order. */
  const indexColumns = async (name: string) =>
    ENGINE === 'postgres'
      ? ((
          await sql<{ def: string }[]>('SELECT indexdef AS def FROM pg_indexes WHERE indexname = ?', [name], db.name)
        )[0]?.def.replace(/.*\((.*)\)$/, '$1') ?? '')
      : (
          await sql<{ c: string }[]>(
            `SELECT column_name AS c FROM information_schema.statistics
              WHERE table_schema = ? AND index_name = ? ORDER BY seq_in_index`,
            [db.name, name],
            db.name,
          )
        )
          .map((r) => r.c)
          .join(', ');

  it('indexes failed messages by status, consumer, fingerprint and id, for the groups of a consumer', async () => {
    expect(await indexColumns('ix_txmsg_failure_fingerprint')).toBe('status, consumer, fingerprint, id');
  });

  it('indexes failed messages by status, reason, consumer and id, for the list of one reason', async () => {
    expect(await indexColumns('ix_txmsg_failure_reason')).toBe('status, reason, consumer, id');
  });

  it('deletes the attempts of a failed message with it, in the same statement', async () => {
    await sql(
      `INSERT INTO txmsg_inbox_failure
          (consumer, message_id, payload_hash, queue, exchange, routing_key, properties, body, attempts, status, next_attempt_at)
        VALUES ('c', 'm-attempts', ?, 'q', 'x', 'k', '{}', 'e30=', 1, 'PARKED', CURRENT_TIMESTAMP)`,
      ['c'.repeat(64)],
      db.name,
    );
    const [{ id }] = await sql<{ id: string }[]>(
      "SELECT id FROM txmsg_inbox_failure WHERE message_id = 'm-attempts'",
      [],
      db.name,
    );
    const attempt = "INSERT INTO txmsg_inbox_failure_attempt (failure_id, attempt, outcome) VALUES (?, ?, 'RETRY')";
    await sql(attempt, [id, 1], db.name);
    await sql(attempt, [id, 2], db.name);
    const attempts = async () =>
      Number(
        (
          await sql<{ n: number }[]>(
            'SELECT COUNT(*) AS n FROM txmsg_inbox_failure_attempt WHERE failure_id = ?',
            [id],
            db.name,
          )
        )[0].n,
      );
    expect(await attempts()).toBe(2);
    await sql('DELETE FROM txmsg_inbox_failure WHERE id = ?', [id], db.name);
    expect(await attempts()).toBe(0);
  });

  it('rolls back migration by migration to no table at all, and applies again', async () => {
    // Keys that differ only in case cannot go back to MySQL's case-insensitive keys: no rows.
    for (const table of Object.keys(COLUMNS)) await sql(`DELETE FROM ${table}`, [], db.name);
    for (let i = 0; i < TXMSG_MIGRATIONS.length; i++) await dataSource.undoLastMigration();
    expect([...(await columns()).keys()]).toEqual([]);
    await dataSource.runMigrations();
    expect([...(await columns()).keys()].sort()).toEqual(expected);
  });
});
