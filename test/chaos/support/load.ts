import Decimal from 'decimal.js';
import { randomUUID } from 'node:crypto';
import type { ServiceName } from '../../support/built-service';
import type { ServiceProcess } from '../../support/service-process';
import type { ChaosWorld } from './chaos-world';

export type Outcome = 'accepted' | 'refused' | 'unknown';

export interface TransferRecord {
  key: string;
  from: string;
  to: string;
  amount: string;
  outcome: Outcome;
  txNo?: string;
  attempts: number;
  /** From the first attempt to the answer that settled the outcome. */
  answeredMs?: number;
}

export interface RechargeRecord {
  key: string;
  accountNo: string;
  amount: string;
  outcome: Outcome;
  txNo?: string;
  attempts: number;
  /** From the first attempt to the answer that settled the outcome. */
  answeredMs?: number;
}

export interface LoadOptions {
  transfersPerSecond: number;
  rechargesPerSecond: number;
  /** Share of transfers sent to an account bank2 does not hold (they must be refunded). */
  unknownAccountShare: number;
  /** How long a request is retried (same Idempotency-Key) before its outcome is left unknown. */
  requestDeadlineMs: number;
  /** Every transfer of this amount (a decimal string) instead of a random one from 1 to 20. */
  transferAmount?: string;
}

export const UNKNOWN_BANK2_ACCOUNT = '9999';

function randomAmount(min: number, max: number): string {
  return new Decimal(min + Math.random() * (max - min)).toDecimalPlaces(2, Decimal.ROUND_DOWN).toFixed(2);
}

/**
 * A steady load of transfers (bank1) and recharges (account) that keeps its own records. A request
 * that gets no answer (a killed instance, a cut link) is sent again with the same Idempotency-Key
 * until an answer says what became of it, so the records know every transfer the system accepted.
 */
export class LoadDriver {
  readonly transfers: TransferRecord[] = [];
  readonly recharges: RechargeRecord[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly world: ChaosWorld,
    private readonly options: LoadOptions,
  ) {}

  start(): void {
    if (this.options.transfersPerSecond > 0) {
      this.timers.push(setInterval(() => this.track(this.transfer()), 1000 / this.options.transfersPerSecond));
    }
    if (this.options.rechargesPerSecond > 0) {
      this.timers.push(setInterval(() => this.track(this.recharge()), 1000 / this.options.rechargesPerSecond));
    }
  }

  /** Stops sending new requests and waits until every request sent has an outcome (or its deadline passed). */
  async stop(): Promise<void> {
    this.timers.forEach(clearInterval);
    this.timers = [];
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /**
   * Sends `count` transfers as fast as bank1 takes them, at most `concurrency` at a time, and
   * resolves when each has an outcome (or its deadline passed).
   */
  async burst(count: number, concurrency: number): Promise<void> {
    let left = count;
    const worker = async () => {
      while (left > 0) {
        left--;
        await this.transfer();
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  }

  get operations(): number {
    return this.transfers.length + this.recharges.length;
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async transfer(): Promise<void> {
    const record: TransferRecord = {
      key: randomUUID(),
      from: '1',
      to: Math.random() < this.options.unknownAccountShare ? UNKNOWN_BANK2_ACCOUNT : '2',
      amount: this.options.transferAmount ?? randomAmount(1, 20),
      outcome: 'unknown',
      attempts: 0,
    };
    this.transfers.push(record);
    const body = { fromAccountNo: record.from, toAccountNo: record.to, amount: record.amount };
    await this.untilAnswered('bank1', '/transfers', body, record, (status, reply) => {
      if (status === 202 || status === 200) {
        record.outcome = 'accepted';
        record.txNo = reply.txNo;
      } else record.outcome = 'refused';
    });
  }

  private async recharge(): Promise<void> {
    const record: RechargeRecord = {
      key: randomUUID(),
      accountNo: '1',
      amount: randomAmount(1, 50),
      outcome: 'unknown',
      attempts: 0,
    };
    this.recharges.push(record);
    const body = { accountNo: record.accountNo, amount: record.amount };
    await this.untilAnswered('account', '/recharges', body, record, (status, reply) => {
      if (status >= 200 && status < 300) {
        record.outcome = 'accepted';
        record.txNo = reply.txNo;
      } else record.outcome = 'refused';
    });
  }

  private async untilAnswered(
    service: ServiceName,
    path: string,
    body: object,
    record: { key: string; attempts: number; answeredMs?: number },
    answered: (status: number, reply: any) => void,
  ): Promise<void> {
    const sentAt = Date.now();
    const deadline = sentAt + this.options.requestDeadlineMs;
    let failed: ServiceProcess | undefined;
    while (Date.now() < deadline) {
      const instance = this.world.pick(service, failed);
      if (instance) {
        record.attempts++;
        try {
          const reply = await instance.post(path, body, { 'Idempotency-Key': record.key });
          if (reply.status < 500) {
            record.answeredMs = Date.now() - sentAt;
            return answered(reply.status, reply.body);
          }
        } catch {
          // no answer: the instance died, is stopping or the link is cut; ask again with the same key
        }
        failed = instance;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
