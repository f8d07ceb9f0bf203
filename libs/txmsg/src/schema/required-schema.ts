import type { MigrationInterface } from 'typeorm';
import type { DialectName } from '../store/sql-dialect';
import { CreateTxMsgNotificationTables1764000000002 } from './create-txmsg-notification-tables.migration';
import { CreateTxMsgTables1764000000000 } from './create-txmsg-tables.migration';
import { ExactTxMsgKeys1764000000003 } from './exact-txmsg-keys.migration';
import { FailureAttempts1764000000010 } from './failure-attempts.migration';
import { FailureFingerprints1764000000009 } from './failure-fingerprints.migration';
import { FailureHooks1764000000007 } from './failure-hooks.migration';
import { FailureStacks1764000000011 } from './failure-stacks.migration';
import { Ordering1764000000008 } from './ordering.migration';
import { PayloadHashes1764000000005 } from './payload-hashes.migration';
import { TraceContext1764000000004 } from './trace-context.migration';

type Migration = new () => MigrationInterface;

/**
 * Every table of the library with every column its statements use, and the migration that makes
 * each, as `TXMSG_MIGRATIONS` leave them on either engine. Start-up compares the database with
 * it (see {@link SchemaCheck}); the e2e suites start every application against it, so a column
 * named here that no migration makes fails them all.
 */
export const REQUIRED_SCHEMA: { migration: Migration; table: string; columns: string }[] = [
  {
    migration: CreateTxMsgTables1764000000000,
    table: 'txmsg_outbox',
    columns:
      'id message_id type exchange routing_key payload headers correlation_id status tx_group check_count attempts next_attempt_at last_error created_at finished_at',
  },
  {
    migration: CreateTxMsgTables1764000000000,
    table: 'txmsg_dedup',
    columns: 'consumer dedup_key message_id processed_at',
  },
  {
    migration: CreateTxMsgTables1764000000000,
    table: 'txmsg_inbox_failure',
    columns:
      'id consumer message_id queue exchange routing_key properties body attempts status reason next_attempt_at last_error created_at updated_at',
  },
  {
    migration: CreateTxMsgNotificationTables1764000000002,
    table: 'txmsg_notification',
    columns:
      'id notification_id type subject target_url body status attempts next_attempt_at last_status last_error created_at finished_at',
  },
  {
    migration: CreateTxMsgNotificationTables1764000000002,
    table: 'txmsg_notification_attempt',
    columns: 'id notification_id attempt attempted_at status_code duration_ms error',
  },
  { migration: TraceContext1764000000004, table: 'txmsg_outbox', columns: 'trace_context' },
  { migration: TraceContext1764000000004, table: 'txmsg_notification', columns: 'trace_context' },
  { migration: PayloadHashes1764000000005, table: 'txmsg_dedup', columns: 'payload_hash' },
  { migration: PayloadHashes1764000000005, table: 'txmsg_inbox_failure', columns: 'payload_hash body_size' },
  {
    migration: FailureHooks1764000000007,
    table: 'txmsg_failure_hook',
    columns: 'id outcome event attempts next_attempt_at last_error created_at',
  },
  { migration: Ordering1764000000008, table: 'txmsg_ordering_sequence', columns: 'ordering_key last_seq' },
  {
    migration: Ordering1764000000008,
    table: 'txmsg_ordering_cursor',
    columns: 'consumer source ordering_key last_seq blocked_seq blocked_at max_held_seq',
  },
  {
    migration: Ordering1764000000008,
    table: 'txmsg_ordering_held',
    columns: 'id consumer source ordering_key seq message_id queue properties body held_at next_attempt_at version',
  },
  { migration: FailureFingerprints1764000000009, table: 'txmsg_inbox_failure', columns: 'error_class fingerprint' },
  { migration: FailureAttempts1764000000010, table: 'txmsg_inbox_failure', columns: 'dedup_key' },
  {
    migration: FailureAttempts1764000000010,
    table: 'txmsg_inbox_failure_attempt',
    columns: 'id failure_id attempt at outcome reason retry_at error_class error trace_id',
  },
  { migration: FailureStacks1764000000011, table: 'txmsg_inbox_failure', columns: 'last_stack' },
];

/**
 * Columns MySQL must compare exactly (a binary collation), or keys differing only in case would
 * be one: what {@link ExactTxMsgKeys1764000000003} changed. PostgreSQL compares them exactly anyway.
 */
export const EXACT_KEYS = { migration: ExactTxMsgKeys1764000000003, columns: ['txmsg_dedup.dedup_key'] };

/** A column of the database as information_schema describes it. */
export interface PresentColumn {
  table: string;
  column: string;
  collation: string | null;
}

/** How the tables are made, for both errors. */
const HOW =
  "Add TXMSG_MIGRATIONS to the DataSource's migrations and run them: TypeOrmModule.forRoot({ ..., migrations: [...TXMSG_MIGRATIONS, ...yourMigrations], migrationsRun: true }), or `typeorm migration:run` before the service starts. `synchronize` does not make them: the library's tables are not entities.";

/**
 * What the database lacks of the library's schema, as the start-up error, or undefined when
 * nothing is missing. Pure.
 */
export function schemaProblem(engine: DialectName, database: string, present: PresentColumn[]): string | undefined {
  const found = new Set(present.map((c) => `${c.table}.${c.column}`));
  const tables = new Set(present.map((c) => c.table));
  const allTables = [...new Set(REQUIRED_SCHEMA.map((r) => r.table))];
  if (!allTables.some((table) => tables.has(table))) {
    return `TxMsgModule cannot start: the database "${database}" has none of the library's tables (${allTables.join(', ')}). ${HOW}`;
  }
  const missing = new Set<string>();
  const migrations = new Set<string>();
  for (const { migration, table, columns } of REQUIRED_SCHEMA) {
    const absent = tables.has(table)
      ? columns
          .split(' ')
          .filter((column) => !found.has(`${table}.${column}`))
          .map((c) => `column ${table}.${c}`)
      : [`table ${table}`];
    absent.forEach((what) => missing.add(what));
    if (absent.length > 0) migrations.add(migration.name);
  }
  if (engine === 'mysql') {
    for (const name of EXACT_KEYS.columns) {
      const collation = present.find((c) => `${c.table}.${c.column}` === name)?.collation;
      if (collation && !collation.endsWith('_bin')) {
        missing.add(`a binary collation on ${name}`);
        migrations.add(EXACT_KEYS.migration.name);
      }
    }
  }
  if (missing.size === 0) return undefined;
  return `TxMsgModule cannot start: the database "${database}" has an older schema than this version of the library, without ${[...missing].join(', ')}: the migrations ${[...migrations].join(', ')} of TXMSG_MIGRATIONS have not run there. ${HOW}`;
}
