import { maskCredentials } from '@txmsg/nestjs';
import { ConfigError } from './config-error';
import type { EnvReader } from './env-reader';

/** The database engines a service runs on: MariaDB/MySQL, or PostgreSQL. */
export const DB_TYPES = ['mysql', 'postgres'] as const;
export type DbType = (typeof DB_TYPES)[number];

/** Connection settings for the service's own database. */
export interface DatabaseConfig {
  type: DbType;
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** Create the database if missing and apply pending migrations at start-up. */
  migrate: boolean;
  /**
   * Connections this instance may hold (DB_POOL_SIZE, default 20). Every instance of every
   * service on one server adds its pool: the sum must stay under the server's connection limit
   * (PostgreSQL's `max_connections` is 100 by default, MariaDB's `max_connections` 151).
   */
  poolSize: number;
}

/** Each engine's usual port and administrator, so a developer machine needs no variables at all. */
const SERVER_DEFAULTS: Record<DbType, { port: number; user: string }> = {
  mysql: { port: 3306, user: 'root' },
  postgres: { port: 5432, user: 'postgres' },
};

/** URL schemes of DB_URL and the engine each names. */
const URL_SCHEMES: Record<string, DbType> = {
  'mysql:': 'mysql',
  'mariadb:': 'mysql',
  'postgres:': 'postgres',
  'postgresql:': 'postgres',
};

/** Variables that DB_URL replaces: giving both would leave two answers to one question. */
const SERVER_VARIABLES = ['DB_HOST', 'DB_PORT', 'DB_USER', 'DB_PASSWORD'];

/**
 * Reads the database settings: DB_TYPE (`mysql` or `postgres`) with DB_HOST, DB_PORT, DB_USER,
 * DB_PASSWORD and DB_NAME, whose defaults follow the engine (3306 and root for MariaDB/MySQL,
 * 5432 and postgres for PostgreSQL); or one DB_URL (`mysql://…` or `postgres://…`) in their place.
 */
export function readDatabaseConfig(read: EnvReader, service: string): DatabaseConfig {
  const url = read.optional('DB_URL');
  const config = url === undefined ? fromVariables(read, service) : fromUrl(read, url, service);
  checkDatabaseName(config);
  return config;
}

function fromVariables(read: EnvReader, service: string): DatabaseConfig {
  const type = read.oneOf('DB_TYPE', 'mysql', DB_TYPES);
  return {
    type,
    host: read.string('DB_HOST', '127.0.0.1'),
    port: read.int('DB_PORT', SERVER_DEFAULTS[type].port, 1, 65535),
    user: read.string('DB_USER', SERVER_DEFAULTS[type].user),
    password: read.optional('DB_PASSWORD') ?? '',
    database: read.string('DB_NAME', service),
    migrate: read.bool('DB_MIGRATE', true),
    poolSize: readPoolSize(read),
  };
}

function fromUrl(read: EnvReader, text: string, service: string): DatabaseConfig {
  const shown = maskCredentials(text);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`DB_URL must be a URL such as postgres://user:password@host:5432/name, got "${shown}".`);
  }
  const type = URL_SCHEMES[url.protocol];
  if (type === undefined) {
    throw new ConfigError(`DB_URL must start with mysql://, mariadb://, postgres:// or postgresql://, got "${shown}".`);
  }
  const declared = read.optional('DB_TYPE');
  if (declared !== undefined && read.oneOf('DB_TYPE', type, DB_TYPES) !== type) {
    throw new ConfigError(`DB_TYPE is ${declared.toLowerCase()} but DB_URL names a ${type} server; set one of them.`);
  }
  const alsoSet = SERVER_VARIABLES.filter((name) => read.optional(name) !== undefined);
  if (alsoSet.length > 0) {
    throw new ConfigError(`DB_URL and ${alsoSet.join(', ')} are both set; give the database server one way.`);
  }
  if (url.search !== '' || url.hash !== '') {
    throw new ConfigError(`DB_URL must not carry options (?… or #…), got "${shown}".`);
  }
  const port = url.port === '' ? SERVER_DEFAULTS[type].port : Number(url.port);
  return {
    type,
    host: url.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1',
    port,
    user: decodeURIComponent(url.username) || SERVER_DEFAULTS[type].user,
    password: decodeURIComponent(url.password),
    database: databaseOf(read, url, service),
    migrate: read.bool('DB_MIGRATE', true),
    poolSize: readPoolSize(read),
  };
}

function readPoolSize(read: EnvReader): number {
  return read.int('DB_POOL_SIZE', 20, 1, 1000);
}

/** The URL's path names the database; DB_NAME may name it instead, but not differently. */
function databaseOf(read: EnvReader, url: URL, service: string): string {
  const fromPath = decodeURIComponent(url.pathname.replace(/^\//, ''));
  const named = read.optional('DB_NAME');
  if (fromPath !== '' && named !== undefined && named !== fromPath) {
    throw new ConfigError(`DB_URL names database "${fromPath}" but DB_NAME is "${named}"; set one of them.`);
  }
  return fromPath || named || service;
}

/** Names are written into CREATE DATABASE: plain identifiers only, within each engine's length limit. */
function checkDatabaseName({ type, database }: DatabaseConfig): void {
  const max = type === 'postgres' ? 63 : 64;
  if (!new RegExp(`^[A-Za-z0-9_]{1,${max}}$`).test(database)) {
    throw new ConfigError(`DB_NAME must be 1 to ${max} letters, digits or underscores, got "${database}".`);
  }
}
