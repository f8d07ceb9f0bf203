import { Injectable, Module } from '@nestjs/common';
import { IntegrationEvent, type MessageContext, OnIntegrationEvent } from '../../src';

export const POLICY_TESTED = 'test.policy.tested';
export const PARTNER_QUEUE = 'test.partner-on-policy-tested';
export const LEDGER_QUEUE = 'test.ledger-on-policy-tested';

/** The partner a consumer calls is down: worth retrying. */
export class PartnerDown extends Error {}

@IntegrationEvent(POLICY_TESTED)
export class PolicyTested {
  id: string;
  /** How each consumer fails: `partner-down` (retried by the partner consumer) or `bug` (not), every time. */
  fail?: 'partner-down' | 'bug';
  /** The partner consumer fails with PartnerDown this many times first, then succeeds. */
  failFirst?: number;
}

/** The partner consumer's policy: a jittered ladder, five attempts, only PartnerDown retried. */
export const PARTNER_POLICY = { ladder: ['200ms', '400ms'], maxAttempts: 5, jitter: 0.25, retryOn: [PartnerDown] };
/** The ledger consumer's: one short step, two attempts, no jitter, every error retried. */
export const LEDGER_POLICY = { ladder: [50], maxAttempts: 2 };

interface Seen {
  id: string;
  attempt: number;
  at: number;
}

/** Two consumers of one event, each with its own retry policy. */
@Injectable()
export class PolicyConsumers {
  readonly partner: Seen[] = [];
  readonly ledger: Seen[] = [];

  @OnIntegrationEvent(PolicyTested, { queue: PARTNER_QUEUE, retry: PARTNER_POLICY })
  async callPartner(event: PolicyTested, ctx: MessageContext): Promise<void> {
    const attempt = ctx.attempt - 1; // failures so far
    this.partner.push({ id: event.id, attempt, at: Date.now() });
    if (event.fail === 'bug') throw new TypeError(`cannot read the partner's answer for ${event.id}`);
    if (event.fail === 'partner-down' || attempt < (event.failFirst ?? 0)) throw new PartnerDown('partner is down');
  }

  @OnIntegrationEvent(PolicyTested, { queue: LEDGER_QUEUE, retry: LEDGER_POLICY })
  async writeLedger(event: PolicyTested, ctx: MessageContext): Promise<void> {
    this.ledger.push({ id: event.id, attempt: ctx.attempt - 1, at: Date.now() });
    if (event.fail) throw new Error(`ledger refused ${event.id}`);
  }
}

@Module({ providers: [PolicyConsumers] })
export class PolicyConsumersModule {}
