import { waitFor } from '@txmsg/nestjs/testing';
import type { ServiceName } from '../support/built-service';
import { readyMessages } from './support/broker-client';
import type { ChaosWorld } from './support/chaos-world';
import { during, type Scenario } from './support/run-scenario';

// What a deploy does to the services: every instance stopped with SIGTERM and started again. Each
// graceful stop must end in exit code 0 (the row fails otherwise), and the ledger must balance.

/**
 * Transfers per second offered while the instances roll: the services kept saturated, not a
 * gentle trickle. Measured on this project's 2-core machine, quiet, with the six service processes
 * of this scenario, every transfer debiting the one hot account: offered 150/s, the load delivered
 * 30–35/s (5,346 operations in a run of about 2.5 minutes) with 2 s row-lock waits on the hot account, deadlocks
 * and 50 s lock-wait timeouts — past saturation, where an instance's last statements could outlast
 * its shutdown grace. 60/s stays above what the machine absorbs, without that pile-up.
 */
export const DEPLOY_TRANSFERS_PER_SECOND = 60;

/** The deploy that lost transfers moved 1.00 at a time; bank1's account 1 is funded for all of them. */
const TRANSFER_AMOUNT = '1.00';

async function fundBank1(world: ChaosWorld): Promise<void> {
  await world.query('bank1', "UPDATE account_info SET balance = '1000000.00' WHERE account_no = '1'");
}

/** One instance after the other, as a deploy rolls; bank1 and bank2 keep a second instance up. */
const ROLLING_ORDER: [ServiceName, number][] = [
  ['bank1', 0],
  ['bank1', 1],
  ['bank2', 0],
  ['bank2', 1],
  ['pay', 0],
  ['account', 0],
];

export const rollingRestart: Scenario = {
  name: 'rolling restart (SIGTERM) under load, 3 rounds',
  instances: { bank1: 2, bank2: 2 },
  load: { transfersPerSecond: DEPLOY_TRANSFERS_PER_SECOND, transferAmount: TRANSFER_AMOUNT },
  prepare: fundBank1,
  async faults(world) {
    let faults = 0;
    await during(2000);
    for (let round = 0; round < 3; round++) {
      for (const [service, index] of ROLLING_ORDER) {
        await world.restart(service, index);
        faults++;
      }
    }
    await during(2000);
    return faults;
  },
};

/** Transfers waiting in bank2's queue before its consumers start: several seconds of draining. */
const BACKLOG_TRANSFERS = 3000;
/** Requests of the burst in flight at once: enough to keep bank1 busy, as a busy front end would. */
const BURST_CONCURRENCY = 32;
const CREDIT_QUEUE = 'bank2.credit-on-transfer-started';

const bank2Both = (world: ChaosWorld, step: (service: ServiceName, index: number) => Promise<unknown>) =>
  Promise.all([step('bank2', 0), step('bank2', 1)]);

export const sigtermWithBacklog: Scenario = {
  name: 'SIGTERM while bank2 drains a backlog, 2x bank2',
  instances: { bank2: 2 },
  load: { transfersPerSecond: 0, transferAmount: TRANSFER_AMOUNT },
  prepare: fundBank1,
  async faults(world, load) {
    // bank2 has run, so its queue is bound: from now on the transfers wait there, unconsumed.
    await bank2Both(world, (s, i) => world.stop(s, i));
    await load.burst(BACKLOG_TRANSFERS, BURST_CONCURRENCY);
    await waitFor(
      async () => {
        const [row] = await world.query(
          'bank1',
          "SELECT COUNT(*) AS n FROM txmsg_outbox WHERE status IN ('READY', 'PREPARED')",
        );
        return Number(row.n) === 0;
      },
      { timeoutMs: 60_000, intervalMs: 250, description: 'bank1 published the whole backlog' },
    );
    const backlog = await readyMessages(world.stack.rabbitUrl, CREDIT_QUEUE);
    world.note(`backlog of ${backlog} messages in ${CREDIT_QUEUE}`);
    let faults = 2;
    for (let round = 0; round < 2; round++) {
      await bank2Both(world, (s, i) => world.start(s, i));
      const waiting = await readyMessages(world.stack.rabbitUrl, CREDIT_QUEUE);
      world.note(`${waiting} messages still waiting when bank2 is stopped`);
      if (round === 0 && waiting < backlog / 4) {
        throw new Error(
          `bank2 drained ${backlog - waiting} of ${backlog} messages before it was healthy: the backlog is too small to stop it mid-drain`,
        );
      }
      await bank2Both(world, (s, i) => world.stop(s, i));
      faults += 2;
    }
    await bank2Both(world, (s, i) => world.start(s, i));
    return faults;
  },
};
