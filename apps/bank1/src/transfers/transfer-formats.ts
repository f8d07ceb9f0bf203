import type { TextFormat } from '@app/common';

/** bank1 numbers its transfers with lower-case UUIDs; anything else cannot name one. */
export const TRANSFER_NO: TextFormat = {
  pattern: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  message: 'txNo must be a transfer number (a UUID)',
};

/** Visible ASCII, 1 to 128 characters: fits the key column and any client's UUID or ULID. */
export const TRANSFER_IDEMPOTENCY_KEY: TextFormat = {
  pattern: /^[\x21-\x7e]{1,128}$/,
  message: 'Idempotency-Key must be 1 to 128 visible ASCII characters',
};
