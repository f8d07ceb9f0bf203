import type { OutboxStore } from '../store/outbox-store';
import type { TransactionHooks } from '../transaction-hooks/transaction-hooks';
import type { ResolvedTxMsgOptions } from '../txmsg.options';
import { DelayedRelease } from './delayed-release';
import type { OutboxRelay } from './outbox-relay';

describe(DelayedRelease.name, () => {
  const store = { releaseDue: jest.fn(), nextDueInMs: jest.fn() };
  const relay = { wake: jest.fn() };
  const hooks = { afterCommit: jest.fn(() => ({ add: jest.fn() })) };
  const options = { relay: { enabled: true, batchSize: 100, pollIntervalMs: 30_000 } } as ResolvedTxMsgOptions;
  let release: DelayedRelease;

  beforeEach(() => {
    jest.useFakeTimers({ now: 0 });
    jest.resetAllMocks();
    hooks.afterCommit.mockImplementation(() => ({ add: jest.fn() }));
    release = new DelayedRelease(
      store as unknown as OutboxStore,
      relay as unknown as OutboxRelay,
      hooks as unknown as TransactionHooks,
      options,
    );
  });
  afterEach(() => jest.useRealTimers());

  const timerOf = (r: DelayedRelease) => (r as unknown as { timer: { armedAt?: number } }).timer;

  it('releases what is due, wakes the relay, and looks up the next due time at once', async () => {
    store.nextDueInMs.mockResolvedValueOnce(-5);
    store.releaseDue.mockResolvedValueOnce(3);

    await expect(release.releaseOnce()).resolves.toBe(true);

    expect(store.releaseDue).toHaveBeenCalledWith(100);
    expect(relay.wake).toHaveBeenCalledTimes(1);
  });

  it('sleeps until the next due time without a release statement when none is due', async () => {
    store.nextDueInMs.mockResolvedValueOnce(4200);
    await expect(release.releaseOnce()).resolves.toBe(false);
    expect(store.releaseDue).not.toHaveBeenCalled();
    expect(timerOf(release).armedAt).toBe(4200);
  });

  it('neither releases nor arms the timer when nothing waits', async () => {
    store.nextDueInMs.mockResolvedValueOnce(null);
    await expect(release.releaseOnce()).resolves.toBe(false);
    expect(store.releaseDue).not.toHaveBeenCalled();
    expect(relay.wake).not.toHaveBeenCalled();
    expect(timerOf(release).armedAt).toBeUndefined();
  });

  it('looks again shortly, not in a busy loop, when a due message is held by another instance', async () => {
    store.nextDueInMs.mockResolvedValueOnce(0);
    store.releaseDue.mockResolvedValueOnce(0);
    await expect(release.releaseOnce()).resolves.toBe(false);
    expect(relay.wake).not.toHaveBeenCalled();
    expect(timerOf(release).armedAt).toBe(50);
  });

  it('arms the timer for the earliest delayed message of a transaction once it commits', () => {
    const [[handle]] = hooks.afterCommit.mock.calls as unknown as [[(dues: number[]) => void]];
    handle([9000, 1500, 3000]);
    expect(timerOf(release).armedAt).toBe(1500);
  });
});
