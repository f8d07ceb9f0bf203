import { ConfigError } from './config-error';
import type { EnvReader } from './env-reader';

/** The key a service signs its messages with, and every key whose messages it accepts. */
export interface MessageSigningConfig {
  keyId: string;
  keys: Record<string, string>;
}

/**
 * Reads MESSAGE_SIGNING (`on` by default), MESSAGE_KEY_ID and MESSAGE_KEYS (`id:secret` pairs,
 * comma-separated: this service's own key and those of the services it consumes from). Signing is
 * on unless switched off explicitly: anyone who can publish on the broker could otherwise credit
 * an account with a message nobody debited for.
 */
export function readMessageSigning(read: EnvReader): MessageSigningConfig | undefined {
  if (!read.bool('MESSAGE_SIGNING', true)) return undefined;
  const keyId = read.optional('MESSAGE_KEY_ID');
  const listed = read.optional('MESSAGE_KEYS');
  if (!keyId || !listed) {
    throw new ConfigError(
      'MESSAGE_KEY_ID and MESSAGE_KEYS must be set: every service signs the messages it publishes and accepts only those signed with a key of MESSAGE_KEYS ("id:secret,id:secret", secrets of 32 characters or more); MESSAGE_SIGNING=false turns that off.',
    );
  }
  const keys: Record<string, string> = {};
  for (const pair of listed.split(',')) {
    const colon = pair.indexOf(':');
    const id = pair.slice(0, colon).trim();
    const secret = pair.slice(colon + 1).trim();
    if (colon <= 0 || !/^[A-Za-z0-9._-]{1,64}$/.test(id) || secret.length < 32) {
      throw new ConfigError(
        `MESSAGE_KEYS must be "id:secret" pairs, comma-separated, each id letters, digits, dots, dashes or underscores and each secret 32 characters or more; "${id || pair.slice(0, 20)}" is not.`,
      );
    }
    keys[id] = secret;
  }
  if (!(keyId in keys)) throw new ConfigError(`MESSAGE_KEY_ID "${keyId}" is not one of the keys of MESSAGE_KEYS.`);
  return { keyId, keys };
}
