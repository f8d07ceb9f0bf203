import { freePort } from '../support/free-port';
import { RabbitCluster } from '../support/rabbit-cluster';
import { TestStack } from '../support/test-stack';
import { clusterScenarios, type LeakedCredential } from './cluster-scenarios';
import { printChaosTable, type ChaosRow } from './support/report';
import { runScenario } from './support/run-scenario';

// The services against a three-node RabbitMQ cluster of the test's own (the machine's broker is
// not touched), with RABBITMQ_QUEUE_TYPE=quorum and RABBITMQ_URL listing the three nodes: a node
// stopped or killed under load must lose nothing and apply nothing twice.

/** Three nodes start at once, then two join the first: tens of seconds on a busy 2-core machine. */
const CLUSTER_START_TIMEOUT_MS = 180_000;
/** A scenario starts four instances, restarts a node (~10 s) and waits for quiet; this bounds a hang. */
const SCENARIO_TIMEOUT_MS = 240_000;
const QUIET_DEADLINE_MS = 60_000;

describe('chaos on a three-node RabbitMQ cluster', () => {
  const rows: ChaosRow[] = [];
  const leaks: LeakedCredential[] = [];
  let cluster: RabbitCluster | undefined;
  const theCluster = () => {
    if (!cluster) throw new Error('the cluster did not start');
    return cluster;
  };

  beforeAll(async () => {
    const started = Date.now();
    cluster = await RabbitCluster.start(3);
    process.stdout.write(`three-node RabbitMQ cluster started in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }, CLUSTER_START_TIMEOUT_MS);

  afterAll(async () => {
    await cluster?.destroy();
    printChaosTable(rows, 'cluster.json');
  });

  it(
    'starts a service whose first listed node is down; quorum queues everywhere; no password in its output',
    async () => {
      const stack = await TestStack.create('cluster_urls', theCluster());
      try {
        const deadNode = `amqp://guest:guest@127.0.0.1:${await freePort()}/${stack.vhost}`;
        const bank2 = await stack.start('bank2', {
          RABBITMQ_URL: `${deadNode},${stack.rabbitUrl}`,
          RABBITMQ_QUEUE_TYPE: 'quorum',
        });
        const queues = await theCluster().table(stack.vhost, 'list_queues', 'name', 'type');
        expect(queues.length).toBeGreaterThanOrEqual(2); // the consumer queue and its parking queue
        expect(queues.filter(([, type]) => type !== 'quorum')).toEqual([]);
        const args = await theCluster().ctl(
          theCluster().anyRunning(),
          '-q',
          'list_queues',
          '-p',
          stack.vhost,
          'name',
          'arguments',
        );
        const consumerQueue = args.split('\n').find((line) => /^bank2\.credit-on-transfer-started\s/.test(line));
        expect(consumerQueue).toMatch(/x-dead-letter-strategy.*at-least-once|at-least-once.*x-dead-letter-strategy/);
        expect(consumerQueue).toContain('reject-publish');

        // The vhost exists on no node: one sentence, every address masked.
        const refused = await stack.spawn('bank1', {
          RABBITMQ_URL: stack.rabbitUrl.split(stack.vhost).join('t_no_such_vhost'),
        });
        const status = await refused.exited;
        expect(status.code).toBe(1);
        expect(refused.logs()).toContain('the broker refused vhost "t_no_such_vhost"');
        expect(refused.logs()).toContain(`amqp://guest:***@127.0.0.1:${theCluster().nodes[2].port}/t_no_such_vhost`);
        for (const output of [refused.logs(), bank2.logs()]) expect(output).not.toContain('guest:guest@');
      } finally {
        await stack.destroy();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );

  it.each(clusterScenarios(theCluster, leaks).map((s) => [s.name, s] as const))(
    '%s: loses nothing and applies nothing twice',
    async (_, scenario) => {
      const row = await runScenario(scenario, { quietDeadlineMs: QUIET_DEADLINE_MS, broker: theCluster() });
      rows.push(row);
      expect(row.problems).toEqual([]);
      expect(row).toMatchObject({ lost: 0, duplicated: 0 });
      expect(row.operations).toBeGreaterThan(0);
      expect(row.faults).toBe(1);
    },
    SCENARIO_TIMEOUT_MS,
  );

  it('never showed a password in a log line of the instances', () => {
    expect(leaks).toEqual([]);
  });
});
