import { ensureMariaDb, ensurePostgres, ensureRabbitMq } from '../support/servers';
import type { StackEngines } from '../support/test-stack';
import { rollingRestart, sigtermWithBacklog } from './deploy-scenarios';
import { printChaosTable, type ChaosRow } from './support/report';
import { runScenario, type Scenario } from './support/run-scenario';
import { databaseFaults, killBank1BeforePublish, killBank2MidConsumption } from './scenarios';

// The chaos suite's crash, database and deploy scenarios again with all four services on
// PostgreSQL: the library's stores write other statements there (ON CONFLICT instead of a caught
// duplicate, FOR UPDATE SKIP LOCKED claims, advisory locks), and a killed session or a restarted
// server ends differently than on MariaDB. The same ledger must balance. The broker's own faults,
// the network and the malformed messages do not depend on the engine and run in the MariaDB file.

/** Every service's database on PostgreSQL. */
const ON_POSTGRES: StackEngines = { bank1: 'postgres', bank2: 'postgres', pay: 'postgres', account: 'postgres' };

// As in the MariaDB file: a scenario's own deadlines fail it first, with its logs saved; this only
// bounds one that hangs.
const SCENARIO_TIMEOUT_MS = 600_000;

/** Every server a scenario may stop is running again. */
async function serversUp(): Promise<void> {
  await ensurePostgres();
  await ensureMariaDb();
  await ensureRabbitMq();
}

describe('chaos on PostgreSQL', () => {
  const rows: ChaosRow[] = [];

  afterAll(async () => {
    await serversUp();
    printChaosTable(rows, 'postgres.json');
  });

  const scenarios: Scenario[] = [
    killBank1BeforePublish,
    killBank2MidConsumption,
    databaseFaults,
    rollingRestart,
    sigtermWithBacklog,
  ];

  it.each(scenarios.map((s) => [s.name, s] as const))(
    '%s: loses nothing and applies nothing twice',
    async (_, scenario) => {
      try {
        const row = await runScenario(scenario, { engines: ON_POSTGRES });
        rows.push(row);
        expect(row.problems).toEqual([]);
        expect(row).toMatchObject({ lost: 0, duplicated: 0 });
        expect(row.operations).toBeGreaterThan(0);
      } finally {
        await serversUp();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
});
