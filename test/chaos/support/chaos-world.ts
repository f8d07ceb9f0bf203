import type { ServiceName } from '../../support/built-service';
import { freePort } from '../../support/free-port';
import type { ServiceProcess } from '../../support/service-process';
import { TestStack } from '../../support/test-stack';

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
 * The services of one chaos run, several instances of a service allowed, each in its own process,
 * all in one TestStack (fresh databases, fresh vhost). Instances can be killed and started again on
 * the same database.
 */
export class ChaosWorld {
  private readonly instances = new Map<ServiceName, (ServiceProcess | undefined)[]>();
  private readonly overrides = new Map<ServiceName, Record<string, string>>();
  private readonly ports = new Map<string, number>();
  private cursor = 0;
  /** The faults injected so far, with their times, for the record of a failed run. */
  readonly events: string[] = [];

  private constructor(readonly stack: TestStack) {}

  /** A world whose account and pay (instances 0) reach each other at ports that survive restarts. */
  static async create(label: string): Promise<ChaosWorld> {
    const world = new ChaosWorld(await TestStack.create(label));
    world.configure('account', { PAY_URL: `http://127.0.0.1:${await world.port('pay', 0)}` });
    // pay notifies only receivers it was told of: account's webhook endpoint.
    world.configure('pay', { NOTIFY_URL_ALLOW: `http://127.0.0.1:${await world.port('account', 0)}` });
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

  /** Starts instance `index` of a service (waiting until healthy), with extra env for this start only. */
  async start(service: ServiceName, index = 0, env: Record<string, string> = {}): Promise<ServiceProcess> {
    const port = await this.port(service, index);
    const process = await this.stack.start(service, { ...CHAOS_ENV, ...this.overrides.get(service), ...env }, port);
    const list = this.instances.get(service) ?? [];
    list[index] = process;
    this.instances.set(service, list);
    return process;
  }

  /** Starts instance `index` without waiting for health (it may die at a crash point at once). */
  async spawn(service: ServiceName, index = 0, env: Record<string, string> = {}): Promise<ServiceProcess> {
    const port = await this.port(service, index);
    const process = await this.stack.spawn(service, { ...CHAOS_ENV, ...this.overrides.get(service), ...env }, port);
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

  /** Running instances of a service. */
  running(service: ServiceName): ServiceProcess[] {
    return (this.instances.get(service) ?? []).filter((p): p is ServiceProcess => !!p && p.running);
  }

  /** A running instance, round robin; undefined while none runs. */
  pick(service: ServiceName): ServiceProcess | undefined {
    const list = this.running(service);
    return list.length === 0 ? undefined : list[this.cursor++ % list.length];
  }

  /** Every instance that has run, for their logs. */
  all(): ServiceProcess[] {
    return [...this.instances.values()].flat().filter((p): p is ServiceProcess => !!p);
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
}
