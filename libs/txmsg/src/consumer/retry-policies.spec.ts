import type { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { withDefaults } from '../options/with-defaults';
import { Idempotent } from './idempotent.decorator';
import { RetryPolicies } from './retry-policies';

/** The policies of the handlers of `classes`, as a module would find them at bootstrap. */
function policiesOf(classes: Array<new () => object>, retentionMs = 60_000): RetryPolicies {
  const wrappers = classes.map((metatype) => ({ metatype, instance: new metatype() }));
  const discovery = { getProviders: () => wrappers, getControllers: () => [] } as unknown as DiscoveryService;
  const scanner = {
    getAllMethodNames: (prototype: object) =>
      Object.getOwnPropertyNames(prototype).filter((name) => name !== 'constructor'),
  } as unknown as MetadataScanner;
  const options = withDefaults({
    service: 'svc',
    broker: { uri: 'amqp://localhost' },
    retry: { ladderMs: [100, 200] },
    housekeeping: { retentionMs },
  });
  const policies = new RetryPolicies(discovery, scanner, options);
  policies.onModuleInit();
  return policies;
}

describe(RetryPolicies.name, () => {
  it("gives each consumer its own policy and the others the module's ladder", () => {
    class Consumers {
      @Idempotent({ retry: { ladder: ['1s'], maxAttempts: 3, jitter: 0.1 } })
      async own() {}
      @Idempotent()
      async plain() {}
    }
    const policies = policiesOf([Consumers]);
    expect(policies.of('Consumers.own')).toMatchObject({ ladderMs: [1000], maxAttempts: 3, jitter: 0.1 });
    expect(policies.of('Consumers.plain')).toMatchObject({ ladderMs: [100, 200], maxAttempts: 3, jitter: 0 });
    expect(policies.of('Unknown.consumer')).toMatchObject({ ladderMs: [100, 200] });
  });

  it('refuses to start with a wrong policy, naming the consumer and the problem', () => {
    class Wrong {
      @Idempotent({ retry: { jitter: 1.5, retryOn: [] } })
      async handle() {}
    }
    expect(() => policiesOf([Wrong])).toThrow(
      /Invalid retry policies: retry policy of consumer Wrong.handle: jitter must be a fraction.*retryOn must list at least one error class/,
    );
  });

  it('refuses a ladder longer than the retention, and one consumer name with two policies', () => {
    class Long {
      @Idempotent({ retry: { ladder: ['30s'], maxAttempts: 3 } })
      async handle() {}
    }
    expect(() => policiesOf([Long])).toThrow(/consumer Long.handle: its ladder may take 60000 ms, not below/);
    class Twice {
      @Idempotent({ consumer: 'shared', retry: { maxAttempts: 2 } })
      async one() {}
      @Idempotent({ consumer: 'shared', retry: { maxAttempts: 3 } })
      async two() {}
    }
    expect(() => policiesOf([Twice])).toThrow('consumer shared is declared twice with different retry policies.');
  });
});
