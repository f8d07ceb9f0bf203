import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { TRANSACTIONAL_LISTENER } from '../txmsg.constants';
import type { LocalTransactionListener } from './local-transaction-listener';
import type { TransactionalListenerOptions } from './transactional-listener.decorator';

/** Finds every {@link TransactionalListener} provider at start-up, by group. */
@Injectable()
export class ListenerRegistry implements OnModuleInit {
  private readonly byGroup = new Map<string, LocalTransactionListener>();

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const { instance, metatype } = wrapper;
      if (!instance || !metatype) continue;
      const options: TransactionalListenerOptions | undefined = Reflect.getMetadata(TRANSACTIONAL_LISTENER, metatype);
      if (!options) continue;
      if (this.byGroup.has(options.group)) {
        throw new Error(`Two @TransactionalListener classes claim group "${options.group}".`);
      }
      this.byGroup.set(options.group, instance as LocalTransactionListener);
    }
  }

  /** The listener of a group, or undefined. */
  find(group: string): LocalTransactionListener | undefined {
    return this.byGroup.get(group);
  }

  /** The listener of a group. @throws Error naming the group when none is registered. */
  get(group: string): LocalTransactionListener {
    const listener = this.find(group);
    if (!listener) throw new Error(`No @TransactionalListener is registered for group "${group}".`);
    return listener;
  }
}
