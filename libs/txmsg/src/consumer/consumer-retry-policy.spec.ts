import { resolveConsumerPolicy } from './consumer-retry-policy';
import { UnrecoverableMessageError } from './poison-message';

class PartnerDown extends Error {}
class PartnerTimeout extends PartnerDown {}

describe('resolveConsumerPolicy', () => {
  it('retries every error by default', () => {
    const policy = resolveConsumerPolicy(undefined, [100], 'C');
    expect(policy.retries(new Error('x'))).toBe(true);
    expect(policy.retries('not even an Error')).toBe(true);
  });

  it('retries only instances of the listed classes, subclasses included', () => {
    const policy = resolveConsumerPolicy({ retryOn: [PartnerDown] }, [100], 'C');
    expect(policy.retries(new PartnerDown())).toBe(true);
    expect(policy.retries(new PartnerTimeout())).toBe(true);
    expect(policy.retries(new TypeError('bug'))).toBe(false);
    expect(policy.retries(new UnrecoverableMessageError('no'))).toBe(false);
  });

  it('retries what the predicate accepts, and retries when the predicate itself throws', () => {
    const policy = resolveConsumerPolicy(
      {
        retryOn: (error) => {
          if ((error as Error).message === 'boom') throw new Error('predicate bug');
          return (error as Error).message.startsWith('transient');
        },
      },
      [100],
      'C',
    );
    expect(policy.retries(new Error('transient: deadlock'))).toBe(true);
    expect(policy.retries(new Error('invalid account'))).toBe(false);
    expect(policy.retries(new Error('boom'))).toBe(true);
  });

  it('refuses a retryOn that is neither classes nor a predicate, naming the consumer', () => {
    expect(() => resolveConsumerPolicy({ retryOn: [] }, [100], 'Bank.credit')).toThrow(
      'retry policy of consumer Bank.credit: retryOn must list at least one error class, and only classes.',
    );
    expect(() => resolveConsumerPolicy({ retryOn: 'Error' as never }, [100], 'C')).toThrow(/retryOn must be a list/);
    expect(() => resolveConsumerPolicy({ retryOn: ['Error' as never] }, [100], 'C')).toThrow(/only classes/);
  });

  it('reports the ladder and the retryOn problems together', () => {
    expect(() => resolveConsumerPolicy({ jitter: 2, retryOn: [] }, [100], 'C')).toThrow(/jitter.*retryOn/);
  });
});
