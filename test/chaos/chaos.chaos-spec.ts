import { ensureMariaDb, ensureRabbitMq } from '../support/servers';
import { rollingRestart, sigtermWithBacklog } from './deploy-scenarios';
import { printChaosTable, type ChaosRow } from './support/report';
import { runScenario, type Scenario } from './support/run-scenario';
import {
  brokerRestart,
  consumerStartsLate,
  databaseFaults,
  duplicatesAndPoison,
  killBank1BeforePublish,
  killBank2MidConsumption,
  killRandomlyTwoInstances,
  mixedRandom,
  networkFaults,
} from './scenarios';

// Real services under a steady load of transfers and recharges, one fault family per scenario and
// then a mix; after the load stops and the system is quiet, a ledger built from the load's own
// records must balance: nothing lost, nothing applied twice. Then what a deploy does: SIGTERM to
// every instance in turn under load, and to consumers draining a backlog.

// A scenario's own deadlines (start-up, quiet) fail it first, with its logs saved; this only bounds
// one that hangs. Generous: the rolling restart starts eighteen processes one after the other, and
// on a busy shared machine each start can take tens of seconds.
const SCENARIO_TIMEOUT_MS = 600_000;

describe('chaos', () => {
  const rows: ChaosRow[] = [];

  afterAll(async () => {
    // Every server a scenario stopped is running again, pass or fail.
    await ensureMariaDb();
    await ensureRabbitMq();
    printChaosTable(rows);
  });

  const scenarios: Scenario[] = [
    killBank1BeforePublish,
    killRandomlyTwoInstances,
    killBank2MidConsumption,
    brokerRestart,
    databaseFaults,
    networkFaults,
    consumerStartsLate,
    duplicatesAndPoison,
    mixedRandom,
    rollingRestart,
    sigtermWithBacklog,
  ];

  it.each(scenarios.map((s) => [s.name, s] as const))(
    '%s: loses nothing and applies nothing twice',
    async (_, scenario) => {
      try {
        const row = await runScenario(scenario);
        rows.push(row);
        expect(row.problems).toEqual([]);
        expect(row).toMatchObject({ lost: 0, duplicated: 0 });
        expect(row.operations).toBeGreaterThan(0);
      } finally {
        await ensureMariaDb();
        await ensureRabbitMq();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
});
