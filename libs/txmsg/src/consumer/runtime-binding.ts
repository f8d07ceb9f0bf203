import type { ConsumerRuntime } from './consumer-runtime';

/**
 * Marks a method wrapped by {@link Idempotent}, so the application that owns its class can find
 * it at bootstrap and hand it its consumer runtime.
 */
export const IDEMPOTENT_HANDLER = Symbol('txmsg.idempotent-handler');

/**
 * Where a consumer instance keeps the runtime of the application it belongs to. A decorator runs
 * once per class, before any application exists; the runtime is therefore bound to each
 * *instance* at bootstrap instead of being looked up in a process-wide singleton, so it lives
 * exactly as long as that application's container, whatever else runs in the process.
 */
const RUNTIME = Symbol('txmsg.consumer-runtime');

/** Binds `runtime` to a provider instance with {@link Idempotent} handlers. */
export function bindRuntime(instance: object, runtime: ConsumerRuntime): void {
  Object.defineProperty(instance, RUNTIME, { value: runtime, configurable: true, enumerable: false });
}

/** The runtime bound to `instance`, if its application imported TxMsgModule. */
export function runtimeOf(instance: unknown): ConsumerRuntime | undefined {
  return instance && typeof instance === 'object'
    ? (instance as Record<symbol, ConsumerRuntime | undefined>)[RUNTIME]
    : undefined;
}
