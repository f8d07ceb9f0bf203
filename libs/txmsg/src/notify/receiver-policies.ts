import { canonicalReceiver } from './notify-receiver';
import type { NotifyTargets } from './notify-targets';
import { type NotifyRetryPolicy, resolveNotifyPolicy, type ResolvedNotifyPolicy } from './receiver-retry-policy';

/**
 * The retry policy of every notification receiver: its own from `notify.retryPolicies` (keyed as
 * `notify.secrets` is, any spelling of the receiver), or the notify ladder. A URL no receiver
 * covers any more follows the notify ladder.
 */
export class ReceiverPolicies {
  private readonly byReceiver = new Map<string, ResolvedNotifyPolicy>();
  private readonly fallback: ResolvedNotifyPolicy;

  /** @throws Error with a sentence per problem (the options' validation reports them first). */
  constructor(
    private readonly targets: NotifyTargets,
    policies: Record<string, NotifyRetryPolicy>,
    ladderMs: readonly number[],
  ) {
    this.fallback = resolveNotifyPolicy(undefined, ladderMs, 'notify');
    for (const [text, policy] of Object.entries(policies)) {
      const receiver = canonicalReceiver(text);
      if (receiver) this.byReceiver.set(receiver, resolveNotifyPolicy(policy, ladderMs, text));
    }
  }

  /** The policy notifications to `url` follow. */
  of(url: string): ResolvedNotifyPolicy {
    if (this.targets.refusalOf(url)) return this.fallback;
    return this.byReceiver.get(this.targets.resolve(url).receiver) ?? this.fallback;
  }
}
