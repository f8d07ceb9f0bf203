import { waitFor } from '@txmsg/nestjs/testing';
import type { ServiceName } from '../support/built-service';
import type { ClusterNode, RabbitCluster } from '../support/rabbit-cluster';
import type { ChaosWorld } from './support/chaos-world';
import { during, type Scenario } from './support/run-scenario';

/** The queue every transfer goes through first: bank2's, fed by bank1's `TransferStarted`. */
export const BUSIEST_QUEUE = 'bank2.credit-on-transfer-started';

/** How long the load runs before the fault, while the node is down, and after it is back. */
const BEFORE_MS = 1500;
const DOWN_MS = 2000;
const AFTER_MS = 1000;

/** A password that reached a log line, found in the logs of the instances of a run. */
export interface LeakedCredential {
  instance: string;
  line: string;
}

/**
 * Two instances each of bank1 and bank2 on a three-node cluster with quorum queues, under a load
 * of transfers. Every instance lists the three nodes, each starting from another one (as clients
 * of a real cluster spread over it), so connections and queue leaders are spread over the nodes.
 */
function onCluster(
  cluster: () => RabbitCluster,
  name: string,
  fault: (world: ChaosWorld) => Promise<number>,
  leaks: LeakedCredential[],
): Scenario {
  let world: ChaosWorld | undefined;
  return {
    name,
    instances: { bank1: 2, bank2: 2, pay: 0, account: 0 },
    load: { transfersPerSecond: 20, rechargesPerSecond: 0 },
    configure: async (w) => {
      world = w;
      const urls = w.stack.rabbitUrl.split(',');
      let offset = 0;
      for (const service of ['bank1', 'bank2'] as ServiceName[]) {
        w.configure(service, { RABBITMQ_QUEUE_TYPE: 'quorum' });
        for (const index of [0, 1]) {
          const rotated = [...urls.slice(offset % urls.length), ...urls.slice(0, offset % urls.length)];
          w.configureInstance(service, index, { RABBITMQ_URL: rotated.join(',') });
          offset++;
        }
      }
    },
    faults: async (w) => {
      await during(BEFORE_MS);
      const injected = await fault(w);
      await during(AFTER_MS);
      return injected;
    },
    // Every node runs again for the next scenario, pass or fail; and no log line showed a password.
    cleanup: async () => {
      for (const node of cluster().nodes) if (!cluster().running(node)) await cluster().startNode(node);
      for (const instance of world?.all() ?? []) {
        for (const line of instance.logs().split('\n')) {
          if (/\/\/[^\s:/@]*:(?!\*\*\*@)[^\s@/]*@/.test(line)) leaks.push({ instance: instance.name, line });
        }
      }
    },
  };
}

/**
 * Stops or kills `node` under load, waits, and starts it again (it rejoins the cluster) unless
 * `restart` is false: then it stays down until the ledger has balanced, and the scenario's cleanup
 * starts it. When the node led quorum queue `led`, the queue must elect a leader on another node.
 */
async function outage(
  world: ChaosWorld,
  cluster: RabbitCluster,
  node: ClusterNode,
  how: 'stop' | 'kill -9',
  why: string,
  led?: string,
  restart = true,
): Promise<number> {
  world.note(`${how} ${node.name} (${why})`);
  if (how === 'stop') await cluster.stopNode(node);
  else await cluster.killNode(node);
  const failover = async () => {
    if (!led) return;
    await waitFor(async () => (await cluster.leaderOf(world.stack.vhost, led)) !== node, {
      timeoutMs: 30_000,
      intervalMs: 500,
      description: `${led} led by another node than ${node.name}`,
    });
    world.note(`${led} led by ${(await cluster.leaderOf(world.stack.vhost, led)).name}`);
  };
  await Promise.all([during(DOWN_MS), failover()]);
  if (!restart) return 1;
  world.note(`start ${node.name}`);
  await cluster.startNode(node);
  return 1;
}

/** The three cluster scenarios, on one cluster (started later) that each leaves with every node running. */
export function clusterScenarios(cluster: () => RabbitCluster, leaks: LeakedCredential[]): Scenario[] {
  return [
    onCluster(
      cluster,
      'RabbitMQ cluster: leader node of the busiest quorum queue stopped, then started again',
      async (world) => {
        const leader = await cluster().leaderOf(world.stack.vhost, BUSIEST_QUEUE);
        return outage(world, cluster(), leader, 'stop', `leader of ${BUSIEST_QUEUE}`, BUSIEST_QUEUE);
      },
      leaks,
    ),
    onCluster(
      cluster,
      'RabbitMQ cluster: a node killed with kill -9, back only after the ledger balanced',
      async (world) => {
        // The leader of bank1's queue of credits: its deliveries and its consumers move elsewhere.
        const queue = 'bank1.complete-on-transfer-credited';
        const leader = await cluster().leaderOf(world.stack.vhost, queue);
        // It stays down until the system is quiet: two nodes of three must do all the work.
        return outage(world, cluster(), leader, 'kill -9', `leader of ${queue}`, queue, false);
      },
      leaks,
    ),
    onCluster(
      cluster,
      'RabbitMQ cluster: the node services are connected to stopped',
      async (world) => {
        const node = await cluster().busiestNode(world.stack.vhost);
        return outage(world, cluster(), node, 'stop', 'holds the most service connections');
      },
      leaks,
    ),
  ];
}
