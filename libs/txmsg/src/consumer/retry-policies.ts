import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { longestLadderMs } from '../retry/resolve-retry-policy';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../txmsg.options';
import {
  type ConsumerRetryPolicy,
  resolveConsumerPolicy,
  type ResolvedConsumerPolicy,
  RETRY_POLICY,
} from './consumer-retry-policy';
import { IDEMPOTENT_HANDLER } from './runtime-binding';

/**
 * The retry policy of every consumer of the application, found on its `@Idempotent` and
 * `@OnIntegrationEvent` handlers at bootstrap and checked then, so a wrong policy stops the
 * application from starting rather than misbehaving at the first failure: each policy on its own,
 * two handlers sharing a consumer name with different policies, and a ladder longer than the
 * retention (a late retry would find its dedup row purged). A consumer without a policy of its
 * own follows `retry.ladderMs`, retrying every error.
 */
@Injectable()
export class RetryPolicies implements OnModuleInit {
  private readonly policies = new Map<string, ResolvedConsumerPolicy>();
  private readonly fallback: ResolvedConsumerPolicy;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    @Inject(TXMSG_OPTIONS) private readonly options: ResolvedTxMsgOptions,
  ) {
    this.fallback = resolveConsumerPolicy(undefined, options.retry.ladderMs, 'the module');
  }

  onModuleInit(): void {
    const declared = new Map<string, ConsumerRetryPolicy | undefined>();
    const problems: string[] = [];
    for (const wrapper of [...this.discovery.getProviders(), ...this.discovery.getControllers()]) {
      const prototype = wrapper.metatype?.prototype;
      if (!prototype || !wrapper.instance) continue;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const consumer = Reflect.getMetadata(IDEMPOTENT_HANDLER, prototype[name]) as string | undefined;
        if (consumer === undefined) continue;
        const policy = Reflect.getMetadata(RETRY_POLICY, prototype[name]) as ConsumerRetryPolicy | undefined;
        if (declared.has(consumer) && declared.get(consumer) !== policy) {
          problems.push(`consumer ${consumer} is declared twice with different retry policies.`);
        }
        declared.set(consumer, policy);
      }
    }
    for (const [consumer, policy] of declared) {
      if (!policy) continue;
      try {
        const resolved = resolveConsumerPolicy(policy, this.options.retry.ladderMs, consumer);
        const longest = longestLadderMs(resolved);
        if (longest >= this.options.housekeeping.retentionMs) {
          problems.push(
            `retry policy of consumer ${consumer}: its ladder may take ${longest} ms, not below housekeeping.retentionMs (${this.options.housekeeping.retentionMs}), so a late retry could find its dedup row purged.`,
          );
        }
        this.policies.set(consumer, resolved);
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    if (problems.length > 0) throw new Error(`Invalid retry policies: ${problems.join(' ')}`);
  }

  /** The policy `consumer` follows: its own, or the module's ladder. */
  of(consumer: string): ResolvedConsumerPolicy {
    return this.policies.get(consumer) ?? this.fallback;
  }
}
