import { randomBytes } from 'node:crypto';
import { type Connection, createConnection } from 'mysql2/promise';
import type { BrokerTarget } from './broker-target';
import type { ServiceName } from './built-service';
import { forgetLogs } from './failure-logs';
import { freePort } from './free-port';
import { queueDepths, type QueueDepth } from './servers';
import { addVhost, deleteVhost } from './vhosts';
import { ServiceProcess } from './service-process';
import { signingEnv } from './message-keys';

/** Where the test servers are: the services' own DB_* variables from the environment, else the local defaults. */
const server = {
  host: process.env.DB_HOST ?? '127.0.0.1',
  port: Number(process.env.DB_PORT ?? 3306),
  user: process.env.DB_USER ?? 'root',
  password: process.env.DB_PASSWORD ?? '',
};
const amqpHostPort = process.env.TEST_AMQP_HOST_PORT ?? '127.0.0.1:5672';

/** The machine's RabbitMQ (TEST_AMQP_HOST_PORT), where every stack runs unless told otherwise. */
export const machineBroker: BrokerTarget = {
  url: (vhost) => `amqp://guest:guest@${amqpHostPort}/${vhost}`,
  addVhost,
  deleteVhost,
  queueDepths,
};

/**
 * pay's admin token in every run — pay's TXMSG_ADMIN_TOKEN and account's PAY_ADMIN_TOKEN, so that
 * account can pull pay's result list — unless a test gives its own.
 */
export const PAY_ADMIN_TOKEN = 'e2e-pay-admin-token';

/** The header that admits a request to pay's admin routes (its list, attempt log and re-send). */
export function adminHeader(token = PAY_ADMIN_TOKEN): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** The variables a service gets in every run, before the test's own. */
const SERVICE_DEFAULTS: Partial<Record<ServiceName, Record<string, string>>> = {
  pay: { TXMSG_ADMIN_TOKEN: PAY_ADMIN_TOKEN },
  account: { PAY_ADMIN_TOKEN },
};

/** Throws unless `name` is visibly a throw-away test database, so cleanup can never drop real data. */
export function assertTestDatabase(name: string): void {
  if (!/^(t_|test)/.test(name) || !/^\w{1,64}$/.test(name)) {
    throw new Error(`refusing to use database "${name}" in a test: test databases start with "t_" or "test"`);
  }
}

/**
 * One test file's private world: its own databases (`t_<service>_<run>`), its own RabbitMQ vhost,
 * and the service processes started in it. `destroy()` stops the processes and drops both.
 */
export class TestStack {
  readonly services = new Set<ServiceProcess>();
  private readonly databases = new Set<string>();

  private constructor(
    readonly runId: string,
    readonly vhost: string,
    private readonly broker: BrokerTarget,
  ) {}

  /** Creates the vhost (guest has full rights on it) on `broker`: the machine's, or a test cluster. */
  static async create(label = 'e2e', broker = machineBroker): Promise<TestStack> {
    const runId = `${label.replace(/\W/g, '_').slice(0, 20)}_${randomBytes(4).toString('hex')}`;
    const stack = new TestStack(runId, `t_${runId}`, broker);
    await broker.addVhost(stack.vhost);
    return stack;
  }

  get rabbitUrl(): string {
    return this.broker.url(this.vhost);
  }

  /** The depth of every queue of this run's vhost. */
  queueDepths(): Promise<Record<string, QueueDepth>> {
    return this.broker.queueDepths(this.vhost);
  }

  /** The database a service uses in this run (`t_<service>_<run>`), dropped by `destroy()`. */
  dbName(service: string, suffix = ''): string {
    const name = `t_${service}${suffix}_${this.runId}`.slice(0, 64);
    assertTestDatabase(name);
    this.databases.add(name);
    return name;
  }

  /** The environment a service of this run gets, before `overrides`. */
  env(service: ServiceName, overrides: Record<string, string> = {}): Record<string, string> {
    return {
      DB_HOST: server.host,
      DB_PORT: String(server.port),
      DB_USER: server.user,
      DB_PASSWORD: server.password,
      DB_NAME: this.dbName(service),
      RABBITMQ_URL: this.rabbitUrl,
      STARTUP_WAIT: '20s',
      LOG_LEVEL: 'info',
      ...signingEnv(service),
      ...SERVICE_DEFAULTS[service],
      ...overrides,
    };
  }

  /** Starts a service on `port` (a free one by default) without waiting for it (for start-up failure tests). */
  async spawn(service: ServiceName, overrides: Record<string, string> = {}, port?: number): Promise<ServiceProcess> {
    const env = this.env(service, overrides);
    if (env.DB_NAME) assertTestDatabase(env.DB_NAME);
    const child = ServiceProcess.spawn(service, port ?? (await freePort()), env);
    this.services.add(child);
    return child;
  }

  /** Starts a service and waits until its `/health` is 200. */
  async start(service: ServiceName, overrides: Record<string, string> = {}, port?: number): Promise<ServiceProcess> {
    const child = await this.spawn(service, overrides, port);
    await child.waitHealthy();
    return child;
  }

  /** Runs one statement in one of this run's databases. */
  async query<T = any>(database: string, sql: string, params: unknown[] = []): Promise<T[]> {
    assertTestDatabase(database);
    const connection = await this.connect(database);
    try {
      const [rows] = await connection.query(sql, params);
      return rows as T[];
    } finally {
      await connection.end();
    }
  }

  /** Stops every process of this run (SIGKILL if SIGTERM is not enough), drops its databases and vhost. */
  async destroy(): Promise<void> {
    await Promise.all([...this.services].map((service) => service.stop().catch(() => service.kill('SIGKILL'))));
    this.services.forEach(forgetLogs);
    const connection = await this.connect();
    try {
      for (const database of this.databases) {
        assertTestDatabase(database);
        await connection.query(`DROP DATABASE IF EXISTS \`${database}\``);
      }
    } finally {
      await connection.end();
    }
    await this.broker.deleteVhost(this.vhost); // a test may have deleted it
  }

  private connect(database?: string): Promise<Connection> {
    return createConnection({ ...server, database, connectTimeout: 5000 });
  }
}
