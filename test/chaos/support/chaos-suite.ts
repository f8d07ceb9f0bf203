import { ensureMariaDb, ensurePostgres, ensureRabbitMq } from '../../support/servers';
import type { StackEngines } from '../../support/test-stack';
import { printChaosTable, type ChaosRow } from './report';
import { runScenario, type Scenario } from './run-scenario';

// A scenario's own deadlines (start-up, quiet) fail it first, with its logs saved; this only bounds
// one that hangs. Generous: the rolling restart starts eighteen processes one after the other, and
// on a busy shared machine each start can take tens of seconds.
const SCENARIO_TIMEOUT_MS = 600_000;

/** Every server a scenario may stop is running again. */
async function serversUp(): Promise<void> {
  await ensureMariaDb();
  await ensurePostgres();
  await ensureRabbitMq();
}

/**
 * One chaos file: each scenario against real services on `engines`, the ledger balanced after
 * it (nothing lost, nothing applied twice), every server up again after it, pass or fail, and
 * the table of all rows printed at the end (and written to `chaos-results/<resultsFile>`).
 */
export function chaosSuite(
  title: string,
  scenarios: Scenario[],
  options: { engines?: StackEngines; resultsFile?: string } = {},
): void {
  describe(title, () => {
    const rows: ChaosRow[] = [];

    afterAll(async () => {
      await serversUp();
      printChaosTable(rows, options.resultsFile);
    });

    it.each(scenarios.map((s) => [s.name, s] as const))(
      '%s: loses nothing and applies nothing twice',
      async (_, scenario) => {
        try {
          const row = await runScenario(scenario, { engines: options.engines });
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
}
