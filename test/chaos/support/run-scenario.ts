import { waitFor } from '@txmsg/nestjs/testing';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrokerTarget } from '../../support/broker-target';
import type { StackEngines } from '../../support/test-stack';
import { ChaosWorld } from './chaos-world';
import { checkLedger, startingBalances, type LedgerVerdict } from './ledger';
import { LoadDriver, type LoadOptions } from './load';
import type { ChaosRow } from './report';

export interface Scenario {
  name: string;
  /** Instances to start before the load: service → count (default one of each of the four). */
  instances?: Partial<Record<'bank1' | 'bank2' | 'pay' | 'account', number>>;
  /** Extra environment per service for the whole run (proxies, crash points). */
  configure?: (world: ChaosWorld) => Promise<void>;
  /** Runs once the services are up, before the starting balances are read (funding an account…). */
  prepare?: (world: ChaosWorld) => Promise<void>;
  load?: Partial<LoadOptions>;
  /** Injects faults while the load runs; returns how many it injected. */
  faults: (world: ChaosWorld, load: LoadDriver) => Promise<number>;
  /** Malformed messages the scenario published (each parks once). */
  expectedParked?: () => number;
  /** Undoes what `configure` set up (proxies…), pass or fail. */
  cleanup?: () => Promise<void>;
}

const DEFAULT_LOAD: LoadOptions = {
  transfersPerSecond: 20,
  rechargesPerSecond: 5,
  unknownAccountShare: 0.1,
  requestDeadlineMs: 60_000,
};

/** Where a scenario runs, and how long it may take to settle. */
export interface ScenarioSetting {
  /** From the end of the load until the ledger must balance (90 s unless given). */
  quietDeadlineMs?: number;
  /** The RabbitMQ of the world's vhost: the machine's unless given. */
  broker?: BrokerTarget;
  /** The engine of each service's database (the test stack's default for the others). */
  engines?: StackEngines;
}

/**
 * Runs one scenario in a fresh world: starts the services, drives the load while the faults run,
 * stops the load, waits (with a deadline) until the ledger holds, and returns the table row.
 */
export async function runScenario(
  scenario: Scenario,
  { quietDeadlineMs = 90_000, broker, engines = {} }: ScenarioSetting = {},
): Promise<ChaosRow> {
  const world = await ChaosWorld.create(scenario.name.replace(/\W+/g, '_').slice(0, 16), broker, engines);
  try {
    await scenario.configure?.(world);
    const counts = { bank1: 1, bank2: 1, pay: 1, account: 1, ...scenario.instances };
    const starts: Promise<unknown>[] = [];
    for (const [service, count] of Object.entries(counts)) {
      for (let i = 0; i < count; i++) starts.push(world.start(service as keyof typeof counts, i));
    }
    await Promise.all(starts);
    await scenario.prepare?.(world);
    const start = await startingBalances(world);
    const load = new LoadDriver(world, { ...DEFAULT_LOAD, ...scenario.load });
    load.start();
    let faults = 0;
    try {
      faults = await scenario.faults(world, load);
    } catch (error) {
      // an instance that never came back, a step that timed out: keep what explains it
      await load.stop();
      await saveLogs(world, scenario.name, [`the fault schedule failed: ${(error as Error).message.split('\n')[0]}`]);
      throw error;
    } finally {
      await load.stop();
    }
    const stoppedAt = Date.now();
    let verdict: LedgerVerdict | undefined;
    let settled = true;
    try {
      await waitFor(
        async () => {
          verdict = await checkLedger(world, load, start, scenario.expectedParked?.() ?? 0);
          return verdict.problems.length === 0;
        },
        { timeoutMs: quietDeadlineMs, intervalMs: 500, description: `${scenario.name}: system quiet and consistent` },
      );
    } catch {
      settled = false;
    }
    const quietMs = Date.now() - stoppedAt;
    // A deploy's SIGTERM that does not end in exit code 0 is a failure even if nothing was lost:
    // the supervisor sees a crash, or had to kill the instance mid-work.
    const problems = [...(verdict?.problems ?? ['ledger could not be read']), ...world.uncleanStops()];
    // the row reports what is wrong; the services' logs say why
    if (!settled || problems.length > 0) await saveLogs(world, scenario.name, problems);
    return {
      scenario: scenario.name,
      operations: load.operations,
      faults,
      lost: verdict?.lost ?? -1,
      duplicated: verdict?.duplicated ?? -1,
      quietMs,
      problems,
    };
  } finally {
    await scenario.cleanup?.().catch(() => undefined);
    await world.destroy();
  }
}

/** Pauses the fault schedule; the load keeps running meanwhile. */
export const during = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Writes what a failed scenario leaves behind to chaos-results/<scenario>.log: the problems, the
 * faults and graceful stops, the open transactions and connections of its databases, and the logs
 * of every process it ran.
 */
async function saveLogs(world: ChaosWorld, scenario: string, problems: string[]): Promise<void> {
  const dir = join(__dirname, '..', '..', '..', 'chaos-results');
  mkdirSync(dir, { recursive: true });
  // The same scenario runs on each engine: one file per engine, so one run does not hide another's.
  const engine = world.engineOf('bank1');
  const file = join(dir, `${scenario.replace(/\W+/g, '_')}${engine === 'postgres' ? '_postgres' : ''}.log`);
  const database = await openWork(world).catch((error: Error) => [[`could not read: ${error.message}`]]);
  const logs = [...world.stack.services].map((p) => `----- ${p.name} -----\n${p.logs()}`);
  const json = (rows: unknown[]) => rows.map((row) => JSON.stringify(row));
  writeFileSync(
    file,
    [
      'problems:',
      ...problems,
      '',
      'faults:',
      ...world.events,
      '',
      'graceful stops:',
      ...json(world.stops),
      '',
      'connections:',
      ...json(database[0]),
      '',
      'transactions (MariaDB) or lock waits (PostgreSQL):',
      ...json(database[1] ?? []),
      '',
      ...logs,
    ].join('\n'),
  );
  process.stderr.write(`chaos: "${scenario}" failed; what it left behind is in ${file}\n`);
}

/**
 * The sessions working in the world's databases, and the open transactions (MariaDB/MySQL) or the
 * lock waits (PostgreSQL), as bank1's server reports them: what a run that did not settle was
 * waiting for.
 */
function openWork(world: ChaosWorld): Promise<unknown[][]> {
  const databases = (['bank1', 'bank2', 'pay', 'account'] as const).map((s) => world.db(s));
  if (world.engineOf('bank1') === 'postgres') {
    return Promise.all([
      world.query(
        'bank1',
        'SELECT pid, datname, state, wait_event_type, wait_event, backend_xid, xact_start, LEFT(query, 200) AS query FROM pg_stat_activity WHERE datname = ANY(?)',
        [databases],
      ),
      world.query(
        'bank1',
        'SELECT l.pid, pg_blocking_pids(l.pid) AS blocked_by, l.locktype, l.mode, l.relation, l.transactionid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE a.datname = ANY(?) AND NOT l.granted',
        [databases],
      ),
    ]);
  }
  return Promise.all([
    world.query(
      'bank1',
      'SELECT id, db, command, time, state, LEFT(info, 200) AS info FROM information_schema.processlist WHERE db IN (?)',
      [databases],
    ),
    world.query(
      'bank1',
      'SELECT trx_mysql_thread_id, trx_state, trx_started, trx_wait_started, trx_rows_locked, LEFT(trx_query, 200) AS query FROM information_schema.innodb_trx',
    ),
  ]);
}
