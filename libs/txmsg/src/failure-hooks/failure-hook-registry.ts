import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { hears, type TxMsgFailureEvent, type TxMsgFailureOutcome } from './failure-event';
import { FAILURE_HOOK } from './on-txmsg-failure.decorator';

const OUTCOMES: readonly TxMsgFailureOutcome[] = [
  'parked',
  'exhausted',
  'conflict',
  'forged',
  'notification-exhausted',
];

/** One method marked {@link OnTxMsgFailure}, bound to its instance. */
export interface FailureHook {
  /** `Class.method`: tells its runs apart from another hook's of the same event. */
  name: string;
  outcomes: readonly TxMsgFailureOutcome[];
  run(event: TxMsgFailureEvent): Promise<unknown>;
}

/**
 * The application's failure hooks, found on its providers and controllers at bootstrap. Failures
 * that no hook hears are not announced at all, so an application without hooks writes nothing.
 */
@Injectable()
export class FailureHookRegistry implements OnModuleInit {
  private hooks: FailureHook[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  onModuleInit(): void {
    const found: FailureHook[] = [];
    for (const wrapper of [...this.discovery.getProviders(), ...this.discovery.getControllers()]) {
      const instance = wrapper.instance as Record<string, (event: TxMsgFailureEvent) => unknown> | undefined;
      const prototype = wrapper.metatype?.prototype;
      if (!prototype || !instance) continue;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const outcomes = Reflect.getMetadata(FAILURE_HOOK, prototype[name]) as TxMsgFailureOutcome[] | undefined;
        if (!outcomes) continue;
        const unknown = outcomes.filter((o) => !OUTCOMES.includes(o));
        const hookName = `${wrapper.metatype?.name ?? wrapper.name}.${name}`;
        if (unknown.length > 0) {
          throw new Error(
            `@OnTxMsgFailure on ${hookName}: unknown outcome ${unknown.join(', ')}; use ${OUTCOMES.join(', ')}.`,
          );
        }
        found.push({ name: hookName, outcomes, run: async (event) => instance[name](event) });
      }
    }
    this.hooks = found;
  }

  /** Whether any hook hears `outcome`: only then is a failure of that outcome announced. */
  wants(outcome: TxMsgFailureOutcome): boolean {
    return this.hooks.some((hook) => hears(hook.outcomes, outcome));
  }

  /** The hooks that hear `outcome`. */
  of(outcome: TxMsgFailureOutcome): FailureHook[] {
    return this.hooks.filter((hook) => hears(hook.outcomes, outcome));
  }
}
