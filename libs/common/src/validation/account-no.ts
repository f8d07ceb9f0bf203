import { Matches } from 'class-validator';

/**
 * Account numbers are 1 to 20 digits without leading zeros. Stored as text, `"01"` and `"1"` would
 * name two accounts, or fail to find one; refusing the padded form keeps one spelling per account.
 */
export const ACCOUNT_NO = /^(0|[1-9][0-9]{0,19})$/;
export const ACCOUNT_NO_MESSAGE = 'must be an account number of 1 to 20 digits without leading zeros';

/** Validates an account number field of a request body. */
export const IsAccountNo = (): PropertyDecorator =>
  Matches(ACCOUNT_NO, { message: ({ property }) => `${property} ${ACCOUNT_NO_MESSAGE}` });
