import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { getMetadataStorage, validateSync } from 'class-validator';
import { UnrecoverableMessageError } from './poison-message';

/**
 * Turns a message payload into an instance of `type` and validates it with class-validator.
 * @throws UnrecoverableMessageError listing every violation, so the message is parked at once.
 */
export function validateMessage<T extends object>(type: ClassConstructor<T>, payload: unknown): T {
  return checked(type, payload, true);
}

/**
 * The payload of an `@OnIntegrationEvent` handler: an instance of its event class, validated as
 * {@link validateMessage} does when the class has validator decorators, only transformed when it
 * has none (class-validator would otherwise refuse it as an unknown value).
 * @throws UnrecoverableMessageError for a payload that is not an object or breaks a constraint.
 */
export function toEvent<T extends object>(type: ClassConstructor<T>, payload: unknown): T {
  return checked(type, payload, hasValidators(type));
}

function checked<T extends object>(type: ClassConstructor<T>, payload: unknown, validate: boolean): T {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new UnrecoverableMessageError(`${type.name} must be a JSON object`);
  }
  const instance = plainToInstance(type, payload);
  if (!validate) return instance;
  const errors = validateSync(instance, { forbidUnknownValues: true });
  if (errors.length > 0) {
    const reasons = errors.flatMap((e) => Object.values(e.constraints ?? { [e.property]: `${e.property} is invalid` }));
    throw new UnrecoverableMessageError(`invalid ${type.name}: ${reasons.join('; ')}`);
  }
  return instance;
}

/** Whether class-validator knows constraints of `type` (its own or inherited). */
function hasValidators(type: ClassConstructor<object>): boolean {
  return getMetadataStorage().getTargetValidationMetadatas(type, '', false, false).length > 0;
}
