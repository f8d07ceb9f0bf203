import { ConfigError } from './config-error';
import { readDatabaseConfig } from './database-config';
import { EnvReader } from './env-reader';

const read = (env: Record<string, string>) => readDatabaseConfig(new EnvReader(env), 'bank2');

describe(readDatabaseConfig.name, () => {
  it('defaults to MariaDB/MySQL on 3306 as root, the database named after the service', () => {
    expect(read({})).toEqual({
      type: 'mysql',
      host: '127.0.0.1',
      port: 3306,
      user: 'root',
      password: '',
      database: 'bank2',
      migrate: true,
      poolSize: 20,
    });
  });

  it('takes the pool size from DB_POOL_SIZE, with a server URL too', () => {
    expect(read({ DB_POOL_SIZE: '8' })).toMatchObject({ poolSize: 8 });
    expect(read({ DB_URL: 'postgres://db/bank2', DB_POOL_SIZE: '12' })).toMatchObject({ poolSize: 12 });
  });

  it('takes PostgreSQL defaults (5432, user postgres) with DB_TYPE=postgres', () => {
    expect(read({ DB_TYPE: 'Postgres' })).toMatchObject({ type: 'postgres', port: 5432, user: 'postgres' });
    expect(read({ DB_TYPE: 'postgres', DB_PORT: '6432', DB_USER: 'bank2' })).toMatchObject({
      port: 6432,
      user: 'bank2',
    });
  });

  it('reads the server, credentials and database from DB_URL', () => {
    expect(read({ DB_URL: 'postgres://app:p%40ss@db.internal:5433/bank2_prod' })).toEqual({
      type: 'postgres',
      host: 'db.internal',
      port: 5433,
      user: 'app',
      password: 'p@ss',
      database: 'bank2_prod',
      migrate: true,
      poolSize: 20,
    });
    expect(read({ DB_URL: 'mariadb://db', DB_NAME: 't_bank2_1', DB_MIGRATE: 'false' })).toEqual({
      type: 'mysql',
      host: 'db',
      port: 3306,
      user: 'root',
      password: '',
      database: 't_bank2_1',
      migrate: false,
      poolSize: 20,
    });
    expect(read({ DB_URL: 'postgresql://[::1]', DB_TYPE: 'postgres' })).toMatchObject({
      host: '::1',
      port: 5432,
      user: 'postgres',
      database: 'bank2',
    });
  });

  it.each([
    [{ DB_TYPE: 'oracle' }, 'DB_TYPE must be one of mysql, postgres, got "oracle".'],
    [{ DB_POOL_SIZE: '0' }, 'DB_POOL_SIZE must be a whole number from 1 to 1000, got "0".'],
    [{ DB_URL: 'not a url' }, 'DB_URL must be a URL such as postgres://user:password@host:5432/name, got "not a url".'],
    [
      { DB_URL: 'mssql://sa:secret@db/x' },
      'DB_URL must start with mysql://, mariadb://, postgres:// or postgresql://, got "mssql://sa:***@db/x".',
    ],
    [
      { DB_URL: 'postgres://db/bank2', DB_TYPE: 'mysql' },
      'DB_TYPE is mysql but DB_URL names a postgres server; set one of them.',
    ],
    [
      { DB_URL: 'postgres://db/bank2', DB_HOST: 'other', DB_PASSWORD: 'x' },
      'DB_URL and DB_HOST, DB_PASSWORD are both set; give the database server one way.',
    ],
    [
      { DB_URL: 'postgres://u:secret@db/bank2?sslmode=require' },
      'DB_URL must not carry options (?… or #…), got "postgres://u:***@db/bank2?sslmode=require".',
    ],
    [
      { DB_URL: 'postgres://db/bank2', DB_NAME: 'bank3' },
      'DB_URL names database "bank2" but DB_NAME is "bank3"; set one of them.',
    ],
    [
      { DB_TYPE: 'postgres', DB_NAME: 'x'.repeat(64) },
      `DB_NAME must be 1 to 63 letters, digits or underscores, got "${'x'.repeat(64)}".`,
    ],
    [{ DB_URL: 'mysql://db/bank-2' }, 'DB_NAME must be 1 to 64 letters, digits or underscores, got "bank-2".'],
  ])('fails fast on %j with one sentence', (env, sentence) => {
    expect(() => read(env)).toThrow(new ConfigError(sentence));
  });
});
