import type { Nack } from '@golevelup/nestjs-rabbitmq';
import { GroupCommit } from './group-commit';
import type { Claimed } from './idempotent-delivery';

/** One group commit per consumer, made on its first delivery: deliveries of one consumer share transactions. */
export class ConsumerGroups {
  private readonly groups = new Map<string, GroupCommit<Claimed, void | Nack>>();

  constructor(
    private readonly applyBatch: (items: Claimed[]) => Promise<Array<void | Nack>>,
    private readonly maxBatch: number,
  ) {}

  add(claimed: Claimed): Promise<void | Nack> {
    const consumer = claimed.delivery.consumer;
    let group = this.groups.get(consumer);
    if (!group) {
      group = new GroupCommit(this.applyBatch, this.maxBatch);
      this.groups.set(consumer, group);
    }
    return group.add(claimed);
  }
}
