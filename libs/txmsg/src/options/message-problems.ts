import type { ResolvedTxMsgOptions } from './resolved-options';

/** Shortest signing secret accepted: 32 characters, 256 bits if they are random bytes in hex or base64. */
const MIN_SECRET_LENGTH = 32;

/** Problems of the `messages` options, each a sentence. Pure. */
export function messageProblems(options: Pick<ResolvedTxMsgOptions, 'messages' | 'broker' | 'housekeeping'>): string[] {
  const { maxBytes, maxDepth, inFlightBudgetBytes, signing } = options.messages;
  const problems: string[] = [];
  for (const [name, value] of Object.entries({ maxBytes, maxDepth, inFlightBudgetBytes })) {
    if (!Number.isInteger(value) || value <= 0)
      problems.push(`messages.${name} must be a positive whole number, got ${value}.`);
  }
  if (options.broker.prefetch * maxBytes > inFlightBudgetBytes) {
    problems.push(
      `broker.prefetch × messages.maxBytes (${options.broker.prefetch} × ${maxBytes}) exceeds messages.inFlightBudgetBytes (${inFlightBudgetBytes}): lower the prefetch or the maximum size, or raise the budget.`,
    );
  }
  if (!signing) return problems;
  const ids = Object.keys(signing.keys ?? {});
  if (!signing.keys || typeof signing.keys !== 'object' || ids.length === 0) {
    problems.push('messages.signing.keys must list at least one key by its id.');
  } else if (!ids.includes(signing.keyId)) {
    problems.push(`messages.signing.keyId "${signing.keyId}" is not one of messages.signing.keys (${ids.join(', ')}).`);
  }
  for (const id of ids) {
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(id)) {
      problems.push(`messages.signing key id "${id}" must be 1 to 64 letters, digits, dots, dashes or underscores.`);
    }
    const secret = signing.keys[id];
    if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) {
      problems.push(`messages.signing key "${id}" must be a secret of at least ${MIN_SECRET_LENGTH} characters.`);
    }
  }
  if (!Number.isInteger(signing.maxAgeMs) || signing.maxAgeMs <= 0) {
    problems.push(`messages.signing.maxAgeMs must be a positive whole number, got ${signing.maxAgeMs}.`);
  } else if (signing.maxAgeMs > options.housekeeping.retentionMs) {
    problems.push(
      `messages.signing.maxAgeMs (${signing.maxAgeMs}) must not exceed housekeeping.retentionMs (${options.housekeeping.retentionMs}), or a replay older than its purged dedup row would be applied again.`,
    );
  }
  return problems;
}
