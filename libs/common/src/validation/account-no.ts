import { Matches } from 'class-validator';

/** Account numbers are 1 to 20 digits. */
export const ACCOUNT_NO = /^[0-9]{1,20}$/;
export const ACCOUNT_NO_MESSAGE = 'must be an account number of 1 to 20 digits';

/** Validates an account number field of a request body. */
export const IsAccountNo = (): PropertyDecorator =>
  Matches(ACCOUNT_NO, { message: ({ property }) => `${property} ${ACCOUNT_NO_MESSAGE}` });
