import Decimal from 'decimal.js';
import type { ValueTransformer } from 'typeorm';

/**
 * Maps DECIMAL columns (which mysql2 returns as strings) to Decimal.js and back, so money never
 * passes through a binary float.
 */
export const decimalTransformer: ValueTransformer = {
  to: (value?: Decimal | string | null) =>
    value === undefined || value === null ? value : new Decimal(value).toFixed(2),
  from: (value?: string | null) => (value === undefined || value === null ? value : new Decimal(value)),
};
