import type { StackEngines } from '../support/test-stack';
import { rollingRestart, sigtermWithBacklog } from './deploy-scenarios';
import { chaosSuite } from './support/chaos-suite';
import { databaseFaults, killBank1BeforePublish, killBank2MidConsumption } from './scenarios';

// The chaos suite's crash, database and deploy scenarios again with all four services on
// PostgreSQL: the library's stores write other statements there (ON CONFLICT instead of a caught
// duplicate, FOR UPDATE SKIP LOCKED claims, advisory locks), and a killed session or a restarted
// server ends differently than on MariaDB. The same ledger must balance. The broker's own faults,
// the network and the malformed messages do not depend on the engine and run in the MariaDB file.

/** Every service's database on PostgreSQL. */
const ON_POSTGRES: StackEngines = { bank1: 'postgres', bank2: 'postgres', pay: 'postgres', account: 'postgres' };

chaosSuite(
  'chaos on PostgreSQL',
  [killBank1BeforePublish, killBank2MidConsumption, databaseFaults, rollingRestart, sigtermWithBacklog],
  { engines: ON_POSTGRES, resultsFile: 'postgres.json' },
);
