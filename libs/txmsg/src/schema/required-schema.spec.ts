import { TXMSG_MIGRATIONS } from '.';
import { type PresentColumn, REQUIRED_SCHEMA, schemaProblem } from './required-schema';

/** Every column the library needs, as a fully migrated database has them. */
const complete = (): PresentColumn[] =>
  REQUIRED_SCHEMA.flatMap(({ table, columns }) =>
    columns.split(' ').map((column) => ({ table, column, collation: column === 'dedup_key' ? 'utf8mb4_bin' : null })),
  );

describe(schemaProblem.name, () => {
  it('finds nothing missing in a fully migrated database', () => {
    expect(schemaProblem('mysql', 'orders', complete())).toBeUndefined();
    expect(schemaProblem('postgres', 'orders', complete())).toBeUndefined();
  });

  it('names TXMSG_MIGRATIONS, and says synchronize does not make the tables, when there are none', () => {
    const problem = schemaProblem('postgres', 'orders', []);
    expect(problem).toContain('the database "orders" has none of the library\'s tables');
    expect(problem).toContain('txmsg_outbox');
    expect(problem).toContain('TXMSG_MIGRATIONS');
    expect(problem).toContain('`synchronize` does not make them');
  });

  it('names the missing tables and columns of an older schema, and their migrations', () => {
    const older = complete().filter(
      (c) => !c.table.startsWith('txmsg_ordering') && !(c.table === 'txmsg_outbox' && c.column === 'trace_context'),
    );
    const problem = schemaProblem('mysql', 'orders', older);
    expect(problem).toContain('table txmsg_ordering_sequence');
    expect(problem).toContain('column txmsg_outbox.trace_context');
    expect(problem).toContain('Ordering1764000000008');
    expect(problem).toContain('TraceContext1764000000004');
    expect(problem).not.toContain('CreateTxMsgTables1764000000000');
  });

  it('asks MySQL for exact keys, which PostgreSQL has anyway', () => {
    const caseless = complete().map((c) => (c.column === 'dedup_key' ? { ...c, collation: 'utf8mb4_unicode_ci' } : c));
    expect(schemaProblem('mysql', 'orders', caseless)).toContain('ExactTxMsgKeys1764000000003');
    expect(schemaProblem('postgres', 'orders', caseless)).toBeUndefined();
  });

  it('covers every migration of TXMSG_MIGRATIONS', () => {
    const checked = new Set([...REQUIRED_SCHEMA.map((r) => r.migration.name), 'ExactTxMsgKeys1764000000003']);
    expect(TXMSG_MIGRATIONS.map((m) => m.name).filter((name) => !checked.has(name))).toEqual([]);
  });
});
