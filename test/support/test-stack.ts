import { randomBytes } from 'node:crypto';
import type { BrokerTarget } from './broker-target';
import type { ServiceName } from './built-service';
import { forgetLogs } from './failure-logs';
import { freePort } from './free-port';
import { queueDepths, type QueueDepth } from './servers';
import { addVhost, deleteVhost } from './vhosts';
import { ServiceProcess } from './service-process';
import { signingEnv } from './message-keys';
import { assertTestDatabase, dropTestDatabase, queryTestDatabase, serverFor, type TestEngine } from './test-databases';

export { assertTestDatabase, type TestEngine } from './test-databases';

/** The engine a service runs on unless its test says otherwise: TEST_DB_TYPE, else MariaDB/MySQL. */
const DEFAULT_ENGINE: TestEngine = process.env.TEST_DB_TYPE === 'postgres' ? 'postgres' : 'mysql';

/** Which engine each service of a stack runs on; the others take the default. */
export type StackEngines = Partial<Record<ServiceName, TestEngine>>;
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

/**
 * One test file's private world: its own databases (`t_<service>_<run>`, each on its service's
 * engine), its own RabbitMQ vhost, and the service processes started in it. `destroy()` stops
 * the processes and drops both.
 */
export class TestStack {
  readonly services = new Set<ServiceProcess>();
  /** Every database of this run, and the engine whose server holds it. */
  private readonly databases = new Map<string, TestEngine>();

  private constructor(
    readonly runId: string,
    readonly vhost: string,
    private readonly broker: BrokerTarget,
    private readonly engines: StackEngines,
  ) {}

  /**
   * Creates the vhost (guest has full rights on it) on `broker`: the machine's, or a test cluster.
   * `engines` puts services on PostgreSQL or MariaDB/MySQL (`{ bank2: 'postgres' }`); a single
   * start can also say so with `DB_TYPE` among its variables.
   */
  static async create(label = 'e2e', broker = machineBroker, engines: StackEngines = {}): Promise<TestStack> {
    const runId = `${label.replace(/\W/g, '_').slice(0, 20)}_${randomBytes(4).toString('hex')}`;
    const stack = new TestStack(runId, `t_${runId}`, broker, engines);
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

  /** The engine `service` runs on in this run, unless a start's `DB_TYPE` says otherwise. */
  engineOf(service: ServiceName): TestEngine {
    return this.engines[service] ?? DEFAULT_ENGINE;
  }

  /** The engine holding one of this run's databases. */
  engineOfDatabase(database: string): TestEngine {
    return this.databases.get(database) ?? DEFAULT_ENGINE;
  }

  /**
   * The database a service uses in this run (`t_<service>_<run>`, PostgreSQL's 63 characters at
   * most), on `engine` (the service's), dropped by `destroy()`.
   */
  dbName(service: string, suffix = '', engine = this.engines[service as ServiceName] ?? DEFAULT_ENGINE): string {
    const name = `t_${service}${suffix}_${this.runId}`.slice(0, 63);
    assertTestDatabase(name);
    this.databases.set(name, engine);
    return name;
  }

  /** The environment a service of this run gets, before `overrides`; `DB_TYPE` among them picks its engine. */
  env(service: ServiceName, overrides: Record<string, string> = {}): Record<string, string> {
    const engine: TestEngine = (overrides.DB_TYPE as TestEngine | undefined) ?? this.engineOf(service);
    const server = serverFor(engine);
    const env: Record<string, string> = {
      DB_TYPE: engine,
      DB_HOST: server.host,
      DB_PORT: String(server.port),
      DB_USER: server.user,
      DB_PASSWORD: server.password,
      DB_NAME: this.dbName(service, '', engine),
      RABBITMQ_URL: this.rabbitUrl,
      STARTUP_WAIT: '20s',
      LOG_LEVEL: 'info',
      ...signingEnv(service),
      ...SERVICE_DEFAULTS[service],
      ...overrides,
    };
    // A database named by the test lives on the engine the service was given.
    if (env.DB_NAME && /^(t_|test)/.test(env.DB_NAME)) this.databases.set(env.DB_NAME, engine);
    return env;
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

  /**
   * Runs one statement, written with `?` placeholders, in one of this run's databases, on the
   * engine that holds it.
   */
  query<T = any>(database: string, sql: string, params: unknown[] = []): Promise<T[]> {
    return queryTestDatabase<T>(this.engineOfDatabase(database), database, sql, params);
  }

  /** Stops every process of this run (SIGKILL if SIGTERM is not enough), drops its databases and vhost. */
  async destroy(): Promise<void> {
    await Promise.all([...this.services].map((service) => service.stop().catch(() => service.kill('SIGKILL'))));
    this.services.forEach(forgetLogs);
    for (const [database, engine] of this.databases) await dropTestDatabase(engine, database);
    await this.broker.deleteVhost(this.vhost); // a test may have deleted it
  }
}
