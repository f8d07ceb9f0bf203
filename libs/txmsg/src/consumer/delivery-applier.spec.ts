import { withDefaults } from '../txmsg.options';
import { DeliveryApplier } from './delivery-applier';
import type { Claimed } from './idempotent-delivery';

describe(DeliveryApplier.name, () => {
  const options = withDefaults({ service: 'svc', broker: { uri: 'amqp://localhost' } });
  const turn = () => new Promise((resolve) => setImmediate(resolve));
  /** What happened, in order: a handler starting or ending, a transaction committing. */
  let events: string[];

  beforeEach(() => (events = []));

  // The ambient transaction commits once the work it wraps has resolved, as TypeORM's does.
  const txHost = {
    tx: {},
    withTransaction: async (work: () => Promise<unknown>) => {
      const result = await work();
      await turn();
      events.push('commit');
      return result;
    },
  };

  function applier(): DeliveryApplier {
    const noop = () => undefined;
    return new DeliveryApplier(
      txHost as any,
      { set: noop } as any,
      { record: async () => 'fresh' } as any,
      { resolved: async () => undefined } as any,
      {} as any,
      { batchCommitted: noop, messageConsumed: noop } as any,
      options,
      {} as any,
      { wake: noop } as any,
    );
  }

  function claimed(name: string, handler: () => Promise<void>): Claimed {
    const message = { content: Buffer.from('{}'), fields: {}, properties: { headers: {} } };
    return {
      delivery: { consumer: 'C.m', queue: 'q', payload: {}, message: message as any, invoke: handler },
      key: name,
      failed: { consumer: 'C.m', envelope: { id: name }, message, payloadHash: '' } as any,
    };
  }

  it('lets the next batch of a consumer run its handlers only once the previous one is committing', async () => {
    const subject = applier();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const handler = (name: string, wait?: Promise<void>) =>
      claimed(name, async () => {
        events.push(`start ${name}`);
        await wait;
        events.push(`end ${name}`);
      });

    const first = subject.applyBatch([handler('a1', gate), handler('a2')]);
    const second = subject.applyBatch([handler('b1'), handler('b2')]);
    for (let i = 0; i < 5; i++) await turn();
    // The first batch holds its row locks (its handler waits): the second must not take any yet.
    expect(events).toEqual(['start a1']);

    release();
    await Promise.all([first, second]);
    expect(events.indexOf('start b1')).toBeGreaterThan(events.indexOf('end a2'));
    // ...yet it does not wait for the first's commit: that is what the second lane is for.
    expect(events.slice(0, 4)).toEqual(['start a1', 'end a1', 'start a2', 'end a2']);
    expect(events.filter((event) => event === 'commit')).toHaveLength(2);
  });

  it('gives the turn up when a batch fails, so its replays and the next batches go on', async () => {
    const subject = applier();
    const outcomes = { retryLater: jest.fn(async () => undefined) };
    (subject as any).outcomes = outcomes;
    const failing = claimed('x', async () => {
      throw new Error('partner down');
    });
    const fine = claimed('y', async () => undefined);

    await Promise.all([subject.applyBatch([failing, fine]), subject.applyBatch([claimed('z', async () => undefined)])]);
    expect(outcomes.retryLater).toHaveBeenCalledTimes(1);
  });
});
