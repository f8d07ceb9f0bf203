import { Transform } from 'class-transformer';
import { registerDecorator, type ValidationArguments } from 'class-validator';
import { numberSourceOf } from '../http/json-number-sources';
import { parseAmount } from './money';

/**
 * Validates a money amount (see {@link parseAmount}). A JSON number becomes its text as the
 * client wrote it, when the JSON was parsed with `keepNumberSources` (every service's body
 * parser, and account's webhook): the double `JSON.parse` made of it may differ from what was
 * sent. The property then holds that text, or the JSON value as it came; the command handler
 * calls `parseAmount` again to get the Decimal.
 */
export function IsAmount(): PropertyDecorator {
  return (target, propertyName) => {
    Transform(({ value, obj, key }) => (typeof value === 'number' ? (numberSourceOf(obj, key) ?? value) : value), {
      toClassOnly: true,
    })(target, propertyName);
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
  };
}
