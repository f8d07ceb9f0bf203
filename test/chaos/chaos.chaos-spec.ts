import { rollingRestart, sigtermWithBacklog } from './deploy-scenarios';
import { chaosSuite } from './support/chaos-suite';
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
chaosSuite('chaos', [
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
]);
