import { IsInt, Min } from 'class-validator';
import { UnrecoverableMessageError } from './poison-message';
import { toEvent, validateMessage } from './validate-message';

class Reserved {
  @IsInt()
  @Min(1)
  quantity: number;
}

class Noted {
  note: string;
}

describe(toEvent.name, () => {
  it('validates a class with validator decorators as validateMessage does', () => {
    expect(toEvent(Reserved, { quantity: 2 })).toBeInstanceOf(Reserved);
    expect(() => toEvent(Reserved, { quantity: 0 })).toThrow(UnrecoverableMessageError);
    expect(() => toEvent(Reserved, { quantity: 0 })).toThrow('invalid Reserved: quantity must not be less than 1');
  });

  it('only transforms a class without validator decorators, which validateMessage refuses as unknown', () => {
    const event = toEvent(Noted, { note: 'hi' });
    expect(event).toBeInstanceOf(Noted);
    expect(event.note).toBe('hi');
    expect(() => validateMessage(Noted, { note: 'hi' })).toThrow(/an unknown value was passed/);
  });

  it.each([null, 'text', 42, ['a']])('refuses %p, which is not a JSON object', (payload) => {
    expect(() => toEvent(Noted, payload)).toThrow(new UnrecoverableMessageError('Noted must be a JSON object'));
  });
});
