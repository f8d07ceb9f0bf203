import Decimal from 'decimal.js';
import type { QueueDepth } from '../../support/servers';
import type { ServiceName } from '../../support/built-service';
import type { ChaosWorld } from './chaos-world';
import type { LoadDriver } from './load';

/** What the ledger found once the system was quiet. */
export interface LedgerVerdict {
  /** Accepted operations that never reached a final state, or money that went missing. */
  lost: number;
  /** Effects applied more than once (money that appeared twice). */
  duplicated: number;
  /** Every broken invariant, in words. */
  problems: string[];
}

const SERVICES: ServiceName[] = ['bank1', 'bank2', 'pay', 'account'];

/**
 * Checks, from the load's own records and the services' databases, that the system is consistent:
 * every accepted transfer is COMPLETED or REFUNDED and every recharge SUCCEEDED or FAILED; each
 * effect applied exactly once (balances equal the ledger); the sum over both banks is unchanged;
 * nothing parked but the malformed messages a scenario injected; no outbox row unpublished;
 * every queue drained.
 */
export async function checkLedger(
  world: ChaosWorld,
  load: LoadDriver,
  start: { bank1: Decimal; bank2: Decimal; account: Decimal },
  expectedParked: number,
): Promise<LedgerVerdict> {
  const problems: string[] = [];
  const ran = world.services();
  let lost = 0;
  let duplicated = 0;

  // Transfers: the bank1 table is the truth for requests whose answer was lost.
  const transfers = await world.query<{ tx_no: string; status: string; amount: string; to_account_no: string }>(
    'bank1',
    'SELECT tx_no, status, amount, to_account_no FROM transfer',
  );
  const byTxNo = new Map(transfers.map((t) => [t.tx_no, t]));
  for (const record of load.transfers.filter((r) => r.outcome === 'accepted')) {
    const row = byTxNo.get(record.txNo!);
    if (!row) {
      lost++;
      problems.push(`accepted transfer ${record.txNo} is not in bank1`);
    }
  }
  const unfinished = transfers.filter((t) => !['COMPLETED', 'REFUNDED'].includes(t.status));
  if (unfinished.length > 0) {
    lost += unfinished.length;
    problems.push(
      `${unfinished.length} transfers not final: ${unfinished
        .slice(0, 3)
        .map((t) => `${t.tx_no}=${t.status}`)
        .join(', ')}`,
    );
  }
  const completed = transfers
    .filter((t) => t.status === 'COMPLETED')
    .reduce((sum, t) => sum.plus(t.amount), new Decimal(0));

  const balance = (service: ServiceName, accountNo: string) => balanceIn(world, service, accountNo);
  const compare = (what: string, actual: Decimal, expected: Decimal) => {
    if (actual.eq(expected)) return;
    problems.push(`${what}: ${actual.toFixed(2)}, expected ${expected.toFixed(2)}`);
    if (actual.gt(expected)) duplicated++;
    else lost++;
  };
  const bank1 = await balance('bank1', '1');
  const bank2 = await balance('bank2', '2');
  compare('bank2 account 2 (credited once per COMPLETED transfer)', bank2, start.bank2.plus(completed));
  compare(
    'bank1 account 1 (debited once per COMPLETED transfer, refunds returned)',
    bank1,
    start.bank1.minus(completed),
  );
  compare('sum over both banks', bank1.plus(bank2), start.bank1.plus(start.bank2));

  // Recharges: the account table is the truth (a scenario without account sends none).
  if (ran.includes('account')) {
    const recharges = await world.query<{ tx_no: string; status: string; amount: string }>(
      'account',
      'SELECT tx_no, status, amount FROM recharge',
    );
    const rechargeByTxNo = new Map(recharges.map((r) => [r.tx_no, r]));
    for (const record of load.recharges.filter((r) => r.outcome === 'accepted')) {
      if (!rechargeByTxNo.has(record.txNo!)) {
        lost++;
        problems.push(`accepted recharge ${record.txNo} is not in account`);
      }
    }
    const pending = recharges.filter((r) => !['SUCCEEDED', 'FAILED'].includes(r.status));
    if (pending.length > 0) {
      lost += pending.length;
      problems.push(
        `${pending.length} recharges not final: ${pending
          .slice(0, 3)
          .map((r) => `${r.tx_no}=${r.status}`)
          .join(', ')}`,
      );
    }
    const succeeded = recharges
      .filter((r) => r.status === 'SUCCEEDED')
      .reduce((sum, r) => sum.plus(r.amount), new Decimal(0));
    compare(
      'account service account 1 (credited once per SUCCEEDED recharge)',
      await balance('account', '1'),
      start.account.plus(succeeded),
    );
  }

  // The library's own books.
  let parked = 0;
  for (const service of SERVICES.filter((s) => ran.includes(s))) {
    const [outbox] = await world.query(
      service,
      "SELECT COUNT(*) AS n FROM txmsg_outbox WHERE status IN ('READY', 'PREPARED')",
    );
    if (Number(outbox.n) > 0) problems.push(`${service}: ${outbox.n} outbox rows not yet published`);
    const [retrying] = await world.query(
      service,
      "SELECT COUNT(*) AS n FROM txmsg_inbox_failure WHERE status <> 'PARKED'",
    );
    if (Number(retrying.n) > 0) problems.push(`${service}: ${retrying.n} messages still on the retry ladder`);
    const [p] = await world.query(service, "SELECT COUNT(*) AS n FROM txmsg_inbox_failure WHERE status = 'PARKED'");
    parked += Number(p.n);
  }
  if (parked !== expectedParked)
    problems.push(`${parked} messages parked, expected ${expectedParked} (the malformed ones)`);
  const depths = await world.stack.queueDepths();
  const undrained = Object.entries(depths).filter(([, d]) => d.messages > 0);
  if (undrained.length > 0) {
    const describe = ([q, d]: [string, QueueDepth]) =>
      `${q}=${d.messages} (${d.ready} ready, ${d.unacked} unacked, ${d.consumers} consumers)`;
    problems.push(`queues not drained: ${undrained.map(describe).join(', ')}`);
  }

  return { lost, duplicated, problems };
}

/**
 * Balances at the start of a run, the base of every later check. A service that has not run yet
 * (its database does not exist) starts from the seed data of its migrations.
 */
export async function startingBalances(world: ChaosWorld) {
  const balance = async (service: ServiceName, accountNo: string) => {
    try {
      return await balanceIn(world, service, accountNo);
    } catch (error) {
      if (!NO_SUCH_DATABASE.includes((error as { code?: string }).code ?? '')) throw error;
      return SEED_BALANCES[`${service}#${accountNo}`];
    }
  };
  return {
    bank1: await balance('bank1', '1'),
    bank2: await balance('bank2', '2'),
    account: await balance('account', '1'),
  };
}

/** What each engine's driver says when a database does not exist: MariaDB/MySQL's, PostgreSQL's. */
const NO_SUCH_DATABASE = ['ER_BAD_DB_ERROR', '3D000'];

/** The balance of one account in a service's database. */
async function balanceIn(world: ChaosWorld, service: ServiceName, accountNo: string): Promise<Decimal> {
  const [row] = await world.query<{ balance: string }>(
    service,
    'SELECT balance FROM account_info WHERE account_no = ?',
    [accountNo],
  );
  return new Decimal(row.balance);
}

/** The seed accounts, as the migrations create them. */
const SEED_BALANCES: Record<string, Decimal> = {
  'bank1#1': new Decimal('10000.00'),
  'bank2#2': new Decimal('0.00'),
  'account#1': new Decimal('10000.00'),
};
