// Compile-time tests of @OnIntegrationEvent, checked by the root `npm run typecheck` (never run):
// each `@ts-expect-error` line must fail to compile, or the typecheck reports the directive unused.
import type { ConsumeMessage } from 'amqplib';
import { IntegrationEvent, type MessageContext, OnIntegrationEvent } from '../../src';

@IntegrationEvent('types.order.placed')
class OrderPlaced {
  orderId: string;
  lines: number;
  note?: string;
  placedBy: { userId: string };
}

export class Consumers {
  @OnIntegrationEvent(OrderPlaced, { key: 'orderId' })
  async byProperty(event: OrderPlaced, ctx: MessageContext): Promise<void> {
    const id: string = event.orderId;
    const attempt: number = ctx.attempt;
    void [id, attempt];
  }

  @OnIntegrationEvent(OrderPlaced, { key: 'note' })
  async byOptionalProperty(): Promise<void> {}

  @OnIntegrationEvent(OrderPlaced, { key: (event, ctx) => `${event.orderId}:${ctx.source}` })
  async byFunction(event: OrderPlaced): Promise<void> {
    void event;
  }

  // The untyped form still compiles: the payload as `unknown`, validated by hand.
  @OnIntegrationEvent(OrderPlaced, { queue: 'types.orders' })
  async untyped(payload: unknown): Promise<void> {
    void payload;
  }

  // @ts-expect-error -- a typo in the dedup key
  @OnIntegrationEvent(OrderPlaced, { key: 'orderID' })
  async typo(): Promise<void> {}

  // @ts-expect-error -- a property that holds an object cannot be a dedup key
  @OnIntegrationEvent(OrderPlaced, { key: 'placedBy' })
  async objectKey(): Promise<void> {}

  // @ts-expect-error -- a key function must return a string
  @OnIntegrationEvent(OrderPlaced, { key: (event) => event.lines })
  async numberFromFunction(): Promise<void> {}

  // @ts-expect-error -- a key function is given the event, not some other type
  @OnIntegrationEvent(OrderPlaced, { key: (event: { txNo: string }) => event.txNo })
  async wrongEventInFunction(): Promise<void> {}

  // @ts-expect-error -- the handler's first parameter must accept the event
  @OnIntegrationEvent(OrderPlaced)
  async wrongEvent(event: { txNo: string }): Promise<void> {
    void event;
  }

  // @ts-expect-error -- the second argument is the MessageContext, not the AMQP message
  @OnIntegrationEvent(OrderPlaced)
  async rawMessage(event: OrderPlaced, message: ConsumeMessage): Promise<void> {
    void [event, message];
  }
}
