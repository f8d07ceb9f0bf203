import { registerDecorator, type ValidationArguments } from 'class-validator';
import { parseAmount } from './money';

/**
 * Validates a money amount (see {@link parseAmount}). The property keeps the JSON value; the
 * command handler calls `parseAmount` again to get the Decimal.
 */
export function IsAmount(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isAmount',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) => 'amount' in parseAmount(value),
        defaultMessage: (args?: ValidationArguments) => {
          const result = parseAmount(args?.value);
          return `${args?.property} ${'error' in result ? result.error : 'is invalid'}`;
        },
      },
    });
}
