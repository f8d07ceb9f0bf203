import type { INestApplication } from '@nestjs/common';
import { FailureRecorder } from '../src/consumer/failure-recorder';
import type { FailedDelivery, FailureOutcome } from '../src/consumer/failed-delivery';
import { waitFor } from '../src/testing';
import { startTestApp } from './support/app';
import { EXCHANGE } from './support/fixtures';
import { createTestDatabase, createVhost, sql } from './support/infra';
import {
  LEDGER_QUEUE,
  PARTNER_QUEUE,
  POLICY_TESTED,
  PolicyConsumers,
  PolicyConsumersModule,
} from './support/policy-consumers';
import { BrokerProbe } from './support/probe';

const PARTNER = 'PolicyConsumers.callPartner';
const LEDGER = 'PolicyConsumers.writeLedger';

/** Scheduling slack: the retry scan runs every 50 ms, and a delivery takes a few ms of its own. */
const SLACK_MS = 1000;

describe('Retry policy per consumer', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let app: INestApplication;
  let probe: BrokerProbe;
  let consumers: PolicyConsumers;
  /** Every failure the recorder decided on, by consumer: what each policy chose. */
  const decided: Array<{ consumer: string; id: string; outcome: FailureOutcome }> = [];

  beforeAll(async () => {
    db = await createTestDatabase('policy');
    vhost = await createVhost('policy');
    // The module's own ladder is long: a consumer seen retrying quickly follows its own policy.
    app = await startTestApp({
      database: db.name,
      uri: vhost.uri,
      modules: [PolicyConsumersModule],
      txmsg: { retry: { ladderMs: [20_000, 30_000], scanIntervalMs: 50 } },
    });
    consumers = app.get(PolicyConsumers);
    const recorder = app.get(FailureRecorder, { strict: false });
    const record = recorder.recordFailure.bind(recorder);
    recorder.recordFailure = async (delivery: FailedDelivery, error: unknown) => {
      const outcome = await record(delivery, error);
      decided.push({ consumer: delivery.consumer, id: JSON.parse(delivery.message.content.toString()).id, outcome });
      return outcome;
    };
    probe = await BrokerProbe.open(vhost.uri);
  });

  afterAll(async () => {
    await app.close();
    await probe.close();
    await vhost.remove();
    await db.drop();
  });

  const publish = (body: object, messageId: string) =>
    probe.publish(EXCHANGE, POLICY_TESTED, body, { messageId, type: POLICY_TESTED });
  const decisions = (consumer: string, id: string) =>
    decided.filter((d) => d.consumer === consumer && d.id === id).map((d) => d.outcome);
  const failureRow = async (consumer: string, messageId: string) =>
    (
      await sql<Array<{ status: string; reason: string | null; attempts: number; queue: string }>>(
        'SELECT status, reason, attempts, queue FROM txmsg_inbox_failure WHERE consumer = ? AND message_id = ?',
        [consumer, messageId],
        db.name,
      )
    )[0];

  it('retries each consumer of one event on its own ladder, as many times as its own attempts allow', async () => {
    await publish({ id: 'down', fail: 'partner-down' }, 'msg-down');
    await waitFor(async () => (await failureRow(PARTNER, 'msg-down'))?.status === 'PARKED', {
      timeoutMs: 20_000,
      description: 'the partner consumer parked it',
    });
    await waitFor(async () => (await failureRow(LEDGER, 'msg-down'))?.status === 'PARKED', {
      description: 'the ledger consumer parked it',
    });

    // Partner: 5 attempts, delays 200 ms then 400 ms (its last step repeating), each within ±25 %.
    expect(consumers.partner.filter((s) => s.id === 'down').map((s) => s.attempt)).toEqual([0, 1, 2, 3, 4]);
    const partner = decisions(PARTNER, 'down');
    expect(partner.map((o) => o.attempts)).toEqual([1, 2, 3, 4, 5]);
    expect(partner[4]).toEqual({ parked: 'EXHAUSTED', attempts: 5 });
    const partnerDelays = partner.slice(0, 4).map((o) => ('retryInMs' in o ? o.retryInMs : NaN));
    [200, 400, 400, 400].forEach((step, i) => {
      expect(partnerDelays[i]).toBeGreaterThanOrEqual(step * 0.75);
      expect(partnerDelays[i]).toBeLessThanOrEqual(step * 1.25);
    });
    const partnerSeen = consumers.partner.filter((s) => s.id === 'down');
    partnerDelays.forEach((delay, i) => {
      const gap = partnerSeen[i + 1].at - partnerSeen[i].at;
      expect(gap).toBeGreaterThanOrEqual(delay - 20); // the database's clock and ours, to the ms
      expect(gap).toBeLessThan(delay + SLACK_MS);
    });
    expect(await failureRow(PARTNER, 'msg-down')).toMatchObject({ reason: 'EXHAUSTED', attempts: 5 });

    // Ledger, the same message: 2 attempts, one delay of exactly 50 ms (no jitter).
    expect(consumers.ledger.filter((s) => s.id === 'down').map((s) => s.attempt)).toEqual([0, 1]);
    expect(decisions(LEDGER, 'down')).toEqual([
      { retryInMs: 50, attempts: 1 },
      { parked: 'EXHAUSTED', attempts: 2 },
    ]);
    expect(await failureRow(LEDGER, 'msg-down')).toMatchObject({ reason: 'EXHAUSTED', attempts: 2 });
  });

  it('parks at once an error the consumer does not retry, while the other consumer applies the message', async () => {
    await publish({ id: 'bug', fail: 'bug' }, 'msg-bug');
    await waitFor(async () => (await failureRow(PARTNER, 'msg-bug'))?.status === 'PARKED', {
      description: 'the partner consumer parked it',
    });
    expect(await failureRow(PARTNER, 'msg-bug')).toMatchObject({ reason: 'NOT_RETRIED', attempts: 1 });
    expect(decisions(PARTNER, 'bug')).toEqual([{ parked: 'NOT_RETRIED', attempts: 1 }]);
    expect(consumers.partner.filter((s) => s.id === 'bug')).toHaveLength(1);
    // The ledger consumer retries every error: a TypeError of the other consumer is none of its business.
    await waitFor(async () => (await failureRow(LEDGER, 'msg-bug'))?.status === 'PARKED', {
      description: 'the ledger consumer went through its own ladder',
    });
    expect(decisions(LEDGER, 'bug').map((o) => ('parked' in o ? o.parked : 'retry'))).toEqual(['retry', 'EXHAUSTED']);
    expect(await probe.queueDepth(PARTNER_QUEUE)).toBe(0);
  });

  it('draws each delay of a jittered ladder anew, within its range; an unjittered one never varies', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `j${i}`);
    for (const id of ids) await publish({ id, failFirst: 1 }, `msg-${id}`);
    const applied = async () =>
      Number((await sql('SELECT COUNT(*) AS n FROM txmsg_dedup WHERE consumer = ?', [PARTNER], db.name))[0].n);
    await waitFor(async () => (await applied()) >= ids.length, { timeoutMs: 20_000, description: 'all applied' });
    const delays = ids
      .map((id) => decisions(PARTNER, id))
      .map(([first]) => ('retryInMs' in first ? first.retryInMs : NaN));
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(150);
      expect(delay).toBeLessThanOrEqual(250);
    }
    // Twenty draws over a 100 ms range: all the same would mean no jitter at all.
    expect(new Set(delays).size).toBeGreaterThan(5);
    expect(ids.every((id) => decisions(LEDGER, id).length === 0)).toBe(true);
    await waitFor(async () => (await probe.queueDepth(LEDGER_QUEUE)) === 0, { description: 'ledger queue drained' });
  });
});
