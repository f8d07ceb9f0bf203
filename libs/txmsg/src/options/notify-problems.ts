import { webhookKey } from '../notify/webhook-signature';
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
  const secrets: [string, string | undefined][] = [['notify.secret', notify.secret], ...Object.entries(notify.secrets)];
  for (const [name, secret] of secrets) {
    if (secret === undefined) continue;
    try {
      webhookKey(secret);
    } catch (error) {
      problems.push(`the notification key of ${name}: ${(error as Error).message}.`);
    }
  }
  return problems;
}

/** An http(s) origin with nothing else: no user, path, query or fragment. */
function isOrigin(text: string): boolean {
  if (!/^https?:\/\/[^/?#@\\]+$/i.test(text)) return false;
  try {
    return new URL(text).origin !== 'null';
  } catch {
    return false;
  }
}
