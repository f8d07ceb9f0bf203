import { canonicalReceiver } from '../notify/notify-receiver';
import { resolveNotifyPolicy } from '../notify/receiver-retry-policy';
import { notifySecretProblems } from './notify-secret-problems';
import type { ResolvedTxMsgOptions } from './resolved-options';

/** What is wrong with the notification options, one sentence per problem. Pure. */
export function notifyProblems(notify: ResolvedTxMsgOptions['notify']): string[] {
  const problems: string[] = [];
  const positive = (value: number, name: string) => {
    if (!Number.isInteger(value) || value <= 0) problems.push(`${name} must be a positive whole number, got ${value}.`);
  };
  if (notify.ladderMs.length === 0) problems.push('notify.ladderMs must have at least one step.');
  notify.ladderMs.forEach((ms, i) => positive(ms, `notify.ladderMs[${i}]`));
  positive(notify.timeoutMs, 'notify.timeoutMs');
  positive(notify.scanIntervalMs, 'notify.scanIntervalMs');
  if (notify.secret !== undefined || notify.allowedOrigins.length > 0) {
    problems.push(
      'notify.secret and notify.allowedOrigins are no longer accepted: one key for several receivers lets any of them forge webhooks to the others. ' +
        `Give each receiver its own key in notify.secrets instead, e.g. { "https://merchant.example/hooks/": "whsec_…" }.`,
    );
  }
  problems.push(...notifySecretProblems(notify.secrets));
  problems.push(...retryPolicyProblems(notify));
  return problems;
}

/** Each receiver's own retry policy: valid, and for a receiver of `secrets`. */
function retryPolicyProblems(notify: ResolvedTxMsgOptions['notify']): string[] {
  const problems: string[] = [];
  const receivers = new Set(Object.keys(notify.secrets).map(canonicalReceiver));
  for (const [text, policy] of Object.entries(notify.retryPolicies ?? {})) {
    const receiver = canonicalReceiver(text);
    if (!receiver || !receivers.has(receiver)) {
      problems.push(`notify.retryPolicies["${text}"] must name a receiver of notify.secrets.`);
      continue;
    }
    try {
      resolveNotifyPolicy(policy, notify.ladderMs.length > 0 ? notify.ladderMs : [1], text);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  return problems;
}
