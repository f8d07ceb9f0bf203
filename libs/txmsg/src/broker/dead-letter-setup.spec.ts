import type { AmqpConnection, RabbitHandlerConfig } from '@golevelup/nestjs-rabbitmq';
import { Logger } from '@nestjs/common';
import type { Channel, Options } from 'amqplib';
import { deadLetterArguments, deadLetterTopologyOf } from './dead-letter';
import { withDeadLetterExchange } from './dead-letter-setup';
import { withDefaultArguments } from './queue-arguments';

/**
 * Records every queue declared, on a channel of the connection or the default channel; `existing`
 * says which declarations of an existing queue the broker accepts (RabbitMQ refuses other arguments).
 */
function fakeBroker(existing?: (options?: Options.AssertQueue) => boolean) {
  const declared = new Map<string, Options.AssertQueue | undefined>();
  const channel = {
    on: () => undefined,
    close: async () => undefined,
    assertExchange: async () => ({}),
    bindQueue: async () => ({}),
    assertQueue: async (queue: string, options?: Options.AssertQueue) => {
      if (existing && !existing(options)) throw Object.assign(new Error('PRECONDITION_FAILED'), { code: 406 });
      declared.set(queue, options);
      return { queue, messageCount: 0, consumerCount: 0 };
    },
  } as unknown as Channel;
  const amqp = { channel, connection: { createChannel: async () => channel } } as unknown as AmqpConnection;
  return { amqp, declared };
}

const subscription = (args?: Record<string, unknown>): RabbitHandlerConfig & { queue: string } => ({
  type: 'subscribe',
  queue: 'bank2.credit',
  routingKey: 'transfer.started',
  queueOptions: args ? { arguments: args } : undefined,
});

describe('queue arguments the library declares', () => {
  const logger = new Logger('test');

  it('dead-letters at least once out of a quorum queue, and at most once (the broker default) out of a classic one', () => {
    const topology = deadLetterTopologyOf('txmsg.events', 'q');
    expect(deadLetterArguments(topology, true)).toEqual({
      'x-dead-letter-exchange': 'txmsg.events.dlx',
      'x-dead-letter-routing-key': 'q',
      'x-dead-letter-strategy': 'at-least-once',
      'x-overflow': 'reject-publish',
    });
    expect(deadLetterArguments(topology, false)).toEqual({
      'x-dead-letter-exchange': 'txmsg.events.dlx',
      'x-dead-letter-routing-key': 'q',
    });
  });

  it('with quorum on, declares the consumer queue and its parking queue as quorum queues, dead-lettering at least once', async () => {
    const { amqp, declared } = fakeBroker();
    const quorumSubscription = withDefaultArguments(subscription(), { 'x-queue-type': 'quorum' });
    const setup = await withDeadLetterExchange(
      { ...quorumSubscription, queue: 'bank2.credit' },
      { exchange: 'txmsg.events', quorum: true, amqp, logger },
    );
    const expected = {
      'x-queue-type': 'quorum',
      'x-dead-letter-exchange': 'txmsg.events.dlx',
      'x-dead-letter-routing-key': 'bank2.credit',
      'x-dead-letter-strategy': 'at-least-once',
      'x-overflow': 'reject-publish',
    };
    expect(setup.subscription.queueOptions).toEqual({ durable: true, arguments: expected });
    expect(declared.get('bank2.credit')).toEqual({ durable: true, arguments: expected });
    expect(declared.get('bank2.credit.parked')).toEqual({ durable: true, arguments: { 'x-queue-type': 'quorum' } });
    expect(setup.registered).toEqual(deadLetterTopologyOf('txmsg.events', 'bank2.credit'));
  });

  it('with quorum off, declares classic queues without the quorum-only arguments', async () => {
    const { amqp, declared } = fakeBroker();
    await withDeadLetterExchange(subscription(), { exchange: 'txmsg.events', quorum: false, amqp, logger });
    expect(declared.get('bank2.credit')?.arguments).toEqual({
      'x-dead-letter-exchange': 'txmsg.events.dlx',
      'x-dead-letter-routing-key': 'bank2.credit',
    });
    expect(declared.get('bank2.credit.parked')?.arguments).toEqual({});
  });

  it("keeps a queue's own queue type and dead-letter exchange", async () => {
    const { amqp, declared } = fakeBroker();
    const own = withDefaultArguments(subscription({ 'x-queue-type': 'classic' }), { 'x-queue-type': 'quorum' });
    expect(own.queueOptions?.arguments).toEqual({ 'x-queue-type': 'classic' });
    const setup = await withDeadLetterExchange(
      { ...subscription({ 'x-dead-letter-exchange': 'mine' }), queue: 'bank2.credit' },
      { exchange: 'txmsg.events', quorum: true, amqp, logger },
    );
    expect(setup.subscription.queueOptions?.arguments).toEqual({ 'x-dead-letter-exchange': 'mine' });
    expect(declared.size).toBe(0);
  });

  it('keeps a quorum queue declared without the dead-letter exchange, with a warning', async () => {
    const { amqp } = fakeBroker((options) => !options?.arguments?.['x-dead-letter-exchange']);
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const quorumSubscription = withDefaultArguments(subscription(), { 'x-queue-type': 'quorum' });
    const setup = await withDeadLetterExchange(
      { ...quorumSubscription, queue: 'bank2.credit' },
      { exchange: 'txmsg.events', quorum: true, amqp, logger },
    );
    expect(setup.registered).toBeUndefined();
    expect(setup.subscription.queueOptions?.arguments).toEqual({ 'x-queue-type': 'quorum' });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('exists without the library'));
  });

  it('fails start-up with what to do when the queue exists as a classic queue and quorum is asked', async () => {
    const { amqp } = fakeBroker((options) => !options?.arguments?.['x-queue-type']);
    const quorumSubscription = withDefaultArguments(subscription(), { 'x-queue-type': 'quorum' });
    await expect(
      withDeadLetterExchange(
        { ...quorumSubscription, queue: 'bank2.credit' },
        { exchange: 'txmsg.events', quorum: true, amqp, logger },
      ),
    ).rejects.toThrow(/queue bank2\.credit exists with another type.*Drain and delete it/);
  });
});
