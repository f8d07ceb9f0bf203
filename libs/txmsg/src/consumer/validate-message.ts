import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync } from 'class-validator';
import { UnrecoverableMessageError } from './poison-message';

/**
 * Turns a message payload into an instance of `type` and validates it with class-validator.
 * @throws UnrecoverableMessageError listing every violation, so the message is parked at once.
 */
export function validateMessage<T extends object>(type: ClassConstructor<T>, payload: unknown): T {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new UnrecoverableMessageError(`${type.name} must be a JSON object`);
  }
  const instance = plainToInstance(type, payload);
  const errors = validateSync(instance, { forbidUnknownValues: true });
  if (errors.length > 0) {
    const reasons = errors.flatMap((e) => Object.values(e.constraints ?? { [e.property]: `${e.property} is invalid` }));
    throw new UnrecoverableMessageError(`invalid ${type.name}: ${reasons.join('; ')}`);
  }
  return instance;
}
