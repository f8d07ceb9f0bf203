import Decimal from 'decimal.js';

/** Largest amount one operation may move: far below DECIMAL(18,2)'s ceiling, so sums never overflow. */
export const MAX_AMOUNT = new Decimal('1000000000.00');

const DECIMAL_TEXT = /^-?\d+(\.\d+)?$/;
/** A second spelling of a number (`"01"`, `"0001.00"`): one amount, one text. */
const LEADING_ZERO = /^-?0\d/;

/** The outcome of {@link parseAmount}: the amount, or why it was refused (a phrase for a 400). */
export type ParsedAmount = { amount: Decimal } | { error: string };

/**
 * Parses a money amount from JSON: a decimal string with at most 2 fraction digits (`"100.50"`),
 * or a JSON number that has at most 2 fraction digits. Text is taken exactly as written, and a
 * request's JSON number arrives as its text too ({@link IsAmount} hands over what the client
 * wrote, never the double `JSON.parse` made of it, so `1.0000000000000000001` is not 1.00): blanks
 * around the digits, leading zeros (`"01"`; `"0.50"` is fine), exponent forms, signs other than a
 * (refused) minus, NaN, Infinity, zero, negatives and amounts above {@link MAX_AMOUNT} are
 * refused. A number given here as a number is read in its shortest round-trip form. Returns the
 * reason instead of throwing, so validators can word the 400.
 */
export function parseAmount(input: unknown): ParsedAmount {
  let text: string;
  // No trimming: what a client signs, hashes or compares must be what we store.
  if (typeof input === 'string') text = input;
  // The shortest round-trip form of a JSON number is what the client wrote: 100.1 stays "100.1".
  else if (typeof input === 'number' && Number.isFinite(input)) text = String(input);
  else return { error: 'must be a decimal string such as "100.50"' };
  if (!DECIMAL_TEXT.test(text)) return { error: 'must be a decimal number such as "100.50"' };
  if (LEADING_ZERO.test(text)) return { error: 'must not have leading zeros (such as "1.00", not "01.00")' };
  if ((text.split('.')[1]?.length ?? 0) > 2) return { error: 'must have at most 2 fraction digits' };
  const amount = new Decimal(text);
  if (amount.lte(0)) return { error: 'must be greater than 0' };
  if (amount.gt(MAX_AMOUNT)) return { error: `must not exceed ${MAX_AMOUNT.toFixed(2)}` };
  return { amount };
}

/** Decimal → the 2-fraction-digit string used on the wire and in DECIMAL(18,2) columns. */
export function formatAmount(amount: Decimal): string {
  return amount.toFixed(2);
}
