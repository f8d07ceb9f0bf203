import { webhookKey } from '../notify/webhook-signature';
import type { ResolvedTxMsgOptions } from './resolved-options';

/** What is wrong with the notification signing secrets (the default and per origin), one sentence each. */
export function notifySecretProblems(notify: ResolvedTxMsgOptions['notify']): string[] {
  const problems: string[] = [];
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
