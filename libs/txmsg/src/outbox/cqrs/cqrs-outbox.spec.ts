import { eventBusClass } from './cqrs-outbox';

describe('eventBusClass', () => {
  it('is the EventBus of @nestjs/cqrs when it is installed', () => {
    class EventBus {}
    expect(eventBusClass(() => ({ EventBus }))).toBe(EventBus);
  });

  it('is undefined when @nestjs/cqrs is not installed', () => {
    const missing = Object.assign(new Error("Cannot find module '@nestjs/cqrs'"), { code: 'MODULE_NOT_FOUND' });
    expect(
      eventBusClass(() => {
        throw missing;
      }),
    ).toBeUndefined();
  });

  it('throws when @nestjs/cqrs is installed but does not load, or one of its own imports is missing', () => {
    const broken = new SyntaxError('Unexpected token export');
    expect(() =>
      eventBusClass(() => {
        throw broken;
      }),
    ).toThrow(broken);
    const inner = Object.assign(new Error("Cannot find module 'rxjs'"), { code: 'MODULE_NOT_FOUND' });
    expect(() =>
      eventBusClass(() => {
        throw inner;
      }),
    ).toThrow(inner);
  });
});
