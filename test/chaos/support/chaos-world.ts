import type { ServiceName } from '../../support/built-service';
import { freePort } from '../../support/free-port';
import type { ExitStatus, ServiceProcess } from '../../support/service-process';
import type { BrokerTarget } from '../../support/broker-target';
import { TestStack, type StackEngines, type TestEngine } from '../../support/test-stack';

/** Settings that make every recovery path of the services fast enough for a test. */
export const CHAOS_ENV: Record<string, string> = {
  RETRY_LADDER: '200ms,400ms,800ms,1600ms,3200ms',
  TXMSG_RELAY_POLL_INTERVAL: '200ms',
  TXMSG_RELAY_RETRY_MAX: '1s',
  TXMSG_CHECK_FIRST_AFTER: '1s',
  TXMSG_CHECK_INTERVAL: '500ms',
  TXMSG_CHECK_MAX: '40',
  NOTIFY_SECRET: 'chaos-notify-secret',
  RECONCILE_AFTER: '2s',
  RECONCILE_INTERVAL: '500ms',
  RECONCILE_DEADLINE: '5m',
  PAY_TIMEOUT: '2s',
  STARTUP_WAIT: '60s',
  LOG_LEVEL: 'warn',
};

/**
 * How long an instance may take to become healthy. Longer than elsewhere: a scenario starts six
 * processes at once, and on a shared 2-core machine their start-ups queue for the CPU.
 */
const START_DEADLINE_MS = 90_000;

/**
 * How long a SIGTERM'd instance may take to exit before it is killed: longer than the services' own
 * grace period, so one that overruns it shows its own exit code rather than our SIGKILL.
 */
const STOP_DEADLINE_MS = 30_000;

/**
 * The services of one chaos run, several instances of a service allowed, each in its own process,
 * all in one TestStack (fresh databases, fresh vhost). Instances can be killed and started again on
 * the same database.
 */
export class ChaosWorld {
  private readonly instances = new Map<ServiceName, (ServiceProcess | undefined)[]>();
  private readonly overrides = new Map<ServiceName, Record<string, string>>();
  private readonly instanceOverrides = new Map<string, Record<string, string>>();
  private readonly ports = new Map<string, number>();
  private cursor = 0;
  /** The faults injected so far, with their times, for the record of a failed run. */
  readonly events: string[] = [];
  /** Every graceful stop (SIGTERM) so far and how the process ended. */
  readonly stops: { instance: string; status: ExitStatus | undefined }[] = [];

  private constructor(readonly stack: TestStack) {}

  /**
   * A world whose account and pay (instances 0) reach each other at ports that survive restarts,
   * each service on the engine `engines` gives it (the test stack's default otherwise).
   */
  static async create(label: string, broker?: BrokerTarget, engines: StackEngines = {}): Promise<ChaosWorld> {
    const world = new ChaosWorld(await TestStack.create(label, broker, engines));
    world.configure('account', { PAY_URL: `http://127.0.0.1:${await world.port('pay', 0)}` });
    // pay notifies only receivers it was told of: account's webhook endpoint, with account's key.
    const webhooks = `http://127.0.0.1:${await world.port('account', 0)}/notifications/`;
    world.configure('pay', { NOTIFY_SECRETS: `${webhooks}=${CHAOS_ENV.NOTIFY_SECRET}` });
    return world;
  }

  /** The port of an instance: the same at every restart, so other services keep reaching it. */
  async port(service: ServiceName, index: number): Promise<number> {
    const key = `${service}#${index}`;
    if (!this.ports.has(key)) this.ports.set(key, await freePort());
    return this.ports.get(key)!;
  }

  /** Environment every instance of `service` starts with from now on (on top of CHAOS_ENV). */
  configure(service: ServiceName, env: Record<string, string>): void {
    this.overrides.set(service, { ...this.overrides.get(service), ...env });
  }

  /** Environment instance `index` of `service` starts with from now on (on top of {@link configure}'s). */
  configureInstance(service: ServiceName, index: number, env: Record<string, string>): void {
    const key = `${service}#${index}`;
    this.instanceOverrides.set(key, { ...this.instanceOverrides.get(key), ...env });
  }

  /** Starts instance `index` of a service (waiting until healthy), with extra env for this start only. */
  async start(service: ServiceName, index = 0, env: Record<string, string> = {}): Promise<ServiceProcess> {
    const port = await this.port(service, index);
    const process = await this.stack.spawn(service, this.envOf(service, index, env), port);
    // Like a load balancer's readiness check: no load reaches it before it is healthy.
    await process.waitHealthy(START_DEADLINE_MS);
    const list = this.instances.get(service) ?? [];
    list[index] = process;
    this.instances.set(service, list);
    return process;
  }

  /** Starts instance `index` without waiting for health (it may die at a crash point at once). */
  async spawn(service: ServiceName, index = 0, env: Record<string, string> = {}): Promise<ServiceProcess> {
    const port = await this.port(service, index);
    const process = await this.stack.spawn(service, this.envOf(service, index, env), port);
    const list = this.instances.get(service) ?? [];
    list[index] = process;
    this.instances.set(service, list);
    return process;
  }

  /** Records a fault as it is injected. */
  note(event: string): void {
    this.events.push(`${new Date().toISOString()} ${event}`);
  }

  /** kill -9 of one instance. */
  async kill(service: ServiceName, index = 0): Promise<void> {
    await this.instances.get(service)?.[index]?.kill('SIGKILL');
  }

  /**
   * SIGTERM to one instance, as a deploy does, and waits for it to exit. A graceful stop must end
   * with exit code 0 within the grace period; anything else is recorded (see {@link uncleanStops})
   * rather than thrown, so the run goes on to its ledger.
   */
  async stop(service: ServiceName, index = 0, graceMs = STOP_DEADLINE_MS): Promise<void> {
    const instance = this.instances.get(service)?.[index];
    if (!instance?.running) return;
    this.note(`SIGTERM ${service}#${index}`);
    // ServiceProcess.stop throws when the grace period ran out and it had to SIGKILL.
    await instance.stop(graceMs).catch(() => undefined);
    this.stops.push({ instance: `${service}#${index} ${instance.name}`, status: instance.exitStatus });
  }

  /** Graceful stop, then start again, waiting for health: one step of a rolling restart. */
  async restart(service: ServiceName, index = 0): Promise<void> {
    await this.stop(service, index);
    await this.start(service, index);
  }

  /** The graceful stops that did not end with exit code 0, in words. */
  uncleanStops(): string[] {
    return this.stops
      .filter(({ status }) => status?.code !== 0)
      .map(
        ({ instance, status }) =>
          `${instance} ended with ${status?.signal ? `signal ${status.signal} (killed after the grace period)` : `exit code ${status?.code}`} after SIGTERM`,
      );
  }

  /** Running instances of a service. */
  running(service: ServiceName): ServiceProcess[] {
    return (this.instances.get(service) ?? []).filter((p): p is ServiceProcess => !!p && p.running);
  }

  /**
   * A running instance, round robin; another one than `avoid` (the one that just failed a request)
   * when there is another, as a load balancer retries elsewhere; undefined while none runs.
   */
  pick(service: ServiceName, avoid?: ServiceProcess): ServiceProcess | undefined {
    const running = this.running(service);
    const list = avoid && running.length > 1 ? running.filter((p) => p !== avoid) : running;
    return list.length === 0 ? undefined : list[this.cursor++ % list.length];
  }

  /** The services that have run (each has its database). */
  services(): ServiceName[] {
    return [...this.instances.keys()];
  }

  /** Every instance that has run, for their logs. */
  all(): ServiceProcess[] {
    return [...this.instances.values()].flat().filter((p): p is ServiceProcess => !!p);
  }

  /** The engine whose server holds `service`'s database. */
  engineOf(service: ServiceName): TestEngine {
    return this.stack.engineOf(service);
  }

  db(service: ServiceName): string {
    return this.stack.dbName(service);
  }

  query<T = any>(service: ServiceName, sql: string, params: unknown[] = []): Promise<T[]> {
    return this.stack.query<T>(this.db(service), sql, params);
  }

  async destroy(): Promise<void> {
    await this.stack.destroy();
  }

  private envOf(service: ServiceName, index: number, env: Record<string, string>): Record<string, string> {
    return {
      ...CHAOS_ENV,
      // A rolling restart runs two generations of every service at once: at 20 connections each
      // they would come close to PostgreSQL's default limit of 100.
      ...(this.engineOf(service) === 'postgres' ? { DB_POOL_SIZE: '8' } : {}),
      ...this.overrides.get(service),
      ...this.instanceOverrides.get(`${service}#${index}`),
      ...env,
    };
  }
}
