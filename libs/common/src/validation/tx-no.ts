import { Matches } from 'class-validator';

/** Transaction numbers (recharges, transfers) are 1 to 64 letters, digits, `-` or `_`: a UUID fits. */
export const TX_NO = /^[A-Za-z0-9_-]{1,64}$/;
export const TX_NO_MESSAGE = 'must be 1 to 64 letters, digits, "-" or "_"';

/** Validates a transaction number field of a request body or message. */
export const IsTxNo = (): PropertyDecorator =>
  Matches(TX_NO, { message: ({ property }) => `${property} ${TX_NO_MESSAGE}` });
