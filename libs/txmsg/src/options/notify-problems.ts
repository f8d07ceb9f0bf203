import { isOrigin } from './is-origin';
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
  for (const origin of Object.keys(notify.secrets)) {
    if (!isOrigin(origin))
      problems.push(`notify.secrets keys must be origins such as "https://host:443", got "${origin}".`);
  }
  for (const origin of notify.allowedOrigins) {
    if (!isOrigin(origin))
      problems.push(`notify.allowedOrigins must hold origins such as "https://host:443", got "${origin}".`);
  }
  problems.push(...notifySecretProblems(notify));
  return problems;
}
