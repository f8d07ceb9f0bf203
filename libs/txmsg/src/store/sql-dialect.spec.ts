import { MYSQL, POSTGRES, dialectOf } from './sql-dialect';

describe('SQL dialects', () => {
  it('numbers PostgreSQL placeholders in order, outside quoted literals and identifiers', () => {
    expect(POSTGRES.sql(`SELECT '?', "a?b" FROM t WHERE a = ? AND b IN (?) AND c = 'it''s ?' AND d = ?`)).toBe(
      `SELECT '?', "a?b" FROM t WHERE a = $1 AND b IN ($2) AND c = 'it''s ?' AND d = $3`,
    );
  });

  it('leaves MySQL statements as they are', () => {
    const statement = 'SELECT 1 FROM t WHERE a = ? AND b = ?';
    expect(MYSQL.sql(statement)).toBe(statement);
  });

  it('is chosen from the DataSource type, and refuses engines it does not speak', () => {
    expect(dialectOf({ options: { type: 'mysql' } } as never)).toBe(MYSQL);
    expect(dialectOf({ options: { type: 'mariadb' } } as never)).toBe(MYSQL);
    expect(dialectOf({ options: { type: 'postgres' } } as never)).toBe(POSTGRES);
    expect(() => dialectOf({ options: { type: 'sqlite' } } as never)).toThrow(/MySQL\/MariaDB .* and PostgreSQL/);
  });
});
