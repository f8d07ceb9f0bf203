import { canonicalReceiver } from '../notify/notify-receiver';
import { webhookKey } from '../notify/webhook-signature';

/**
 * What is wrong with the receivers of `notify.secrets` and their keys, one sentence each: a key
 * of the map that names no receiver, two spellings of one receiver, a key that does not decode,
 * and one key shared by two receivers (either could then forge webhooks to the other). No
 * sentence repeats a key.
 */
export function notifySecretProblems(secrets: Record<string, string>): string[] {
  const problems: string[] = [];
  const receivers = new Map<string, string>();
  const owners = new Map<string, string>();
  for (const [text, secret] of Object.entries(secrets)) {
    const receiver = canonicalReceiver(text);
    if (receiver === undefined) {
      problems.push(
        `notify.secrets keys must be receivers such as "https://merchant.example:8443" or "https://merchant.example/hooks/" ` +
          `(an http(s) origin, optionally with a path; no user, query, fragment, encoded "/" or "\\"), got "${text}".`,
      );
      continue;
    }
    if (receivers.has(receiver))
      problems.push(`notify.secrets names the receiver ${receiver} twice ("${receivers.get(receiver)}", "${text}").`);
    receivers.set(receiver, text);
    let key: Buffer;
    try {
      key = webhookKey(secret);
    } catch (error) {
      problems.push(`the notification key of ${receiver}: ${(error as Error).message}.`);
      continue;
    }
    if (key.length === 0) problems.push(`the notification key of ${receiver} is empty.`);
    const owner = owners.get(key.toString('base64'));
    if (owner !== undefined && owner !== receiver) {
      problems.push(
        `notify.secrets gives ${owner} and ${receiver} the same key: each receiver needs its own, or either could forge webhooks to the other.`,
      );
    }
    owners.set(key.toString('base64'), receiver);
  }
  return problems;
}
