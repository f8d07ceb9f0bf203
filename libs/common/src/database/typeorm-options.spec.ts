import { Logger } from '@nestjs/common';
import type { ServiceConfig } from '../config/service.config';
import { TypeOrmNestLogger } from './typeorm-logger';
import { typeOrmOptions } from './typeorm-options';

const db: ServiceConfig['db'] = {
  type: 'mysql',
  host: '127.0.0.1',
  port: 3306,
  user: 'root',
  password: '',
  database: 'bank1',
  migrate: true,
  poolSize: 20,
};

describe('typeOrmOptions: query logging', () => {
  afterEach(() => jest.restoreAllMocks());

  it.each([
    ['info', false],
    ['debug', false],
    ['trace', true],
  ] as const)('at LOG_LEVEL=%s passes each query to the logger: %s', (logLevel, logged) => {
    const verbose = jest.spyOn(Logger.prototype, 'verbose').mockImplementation(() => undefined);
    const options = typeOrmOptions({ db, logLevel }, [], []);

    (options.logger as TypeOrmNestLogger).logQuery('SELECT 1');

    expect(verbose.mock.calls).toEqual(logged ? [['SELECT 1']] : []);
    expect(options.logging).toEqual(logged ? expect.arrayContaining(['query']) : expect.not.arrayContaining(['query']));
  });

  it('still reports slow queries at warn whatever the level', () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const options = typeOrmOptions({ db, logLevel: 'info' }, [], []);

    (options.logger as TypeOrmNestLogger).logQuerySlow(2500, 'SELECT SLEEP(3)');

    expect(warn).toHaveBeenCalledWith('slow query (2500 ms): SELECT SLEEP(3)');
  });

  it('builds the DataSource for the configured engine', () => {
    const postgres = { ...db, type: 'postgres' as const, port: 5432, user: 'postgres' };
    expect(typeOrmOptions({ db: postgres, logLevel: 'info', service: 'bank2' }, [], [])).toMatchObject({
      type: 'postgres',
      port: 5432,
      username: 'postgres',
      database: 'bank1',
      applicationName: 'bank2',
    });
    expect(typeOrmOptions({ db, logLevel: 'info' }, [], [])).toMatchObject({ type: 'mysql', bigNumberStrings: true });
  });
});

describe('typeOrmOptions: pool size', () => {
  it('gives each engine the pool size DB_POOL_SIZE set', () => {
    expect(typeOrmOptions({ db: { ...db, poolSize: 7 }, logLevel: 'info' }, [], [])).toMatchObject({
      extra: { connectionLimit: 7 },
    });
    expect(
      typeOrmOptions({ db: { ...db, type: 'postgres', port: 5432, poolSize: 7 }, logLevel: 'info' }, [], []),
    ).toMatchObject({ type: 'postgres', poolSize: 7 });
  });
});
