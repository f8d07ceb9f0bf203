import { type LeasedRound, pipelinedRounds } from './pipelined-rounds';

/** A batch whose record ends when the test says so. */
function pendingRound(size: number) {
  let finish!: () => void;
  let fail!: (error: Error) => void;
  const recorded = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  return { round: { size, recorded } as LeasedRound, finish, fail };
}

/** Lets queued promise callbacks run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe(pipelinedRounds.name, () => {
  it('leases the next batch while the first still awaits its confirms', async () => {
    const first = pendingRound(10);
    const second = pendingRound(10);
    const last = pendingRound(3);
    const lease = jest
      .fn<Promise<LeasedRound>, []>()
      .mockResolvedValueOnce(first.round)
      .mockResolvedValueOnce(second.round)
      .mockResolvedValueOnce(last.round);
    let done = false;
    const drained = pipelinedRounds(lease, 10, () => true, { maxBatch: 10 }).then((result) => {
      done = true;
      return result;
    });
    await settle();
    expect(lease).toHaveBeenCalledTimes(3);
    expect(done).toBe(false);
    // Returns only once every batch leased is recorded, whatever the order they end in.
    last.finish();
    second.finish();
    await settle();
    expect(done).toBe(false);
    first.finish();
    await expect(drained).resolves.toEqual({ leased: 23, full: false });
  });

  it('keeps at most maxInFlight batches publishing, leasing more as the oldest is recorded', async () => {
    const rounds = [pendingRound(10), pendingRound(10), pendingRound(10), pendingRound(0)];
    rounds[3].finish();
    const lease = jest.fn<Promise<LeasedRound>, []>();
    rounds.forEach(({ round }) => lease.mockResolvedValueOnce(round));
    const drained = pipelinedRounds(lease, 10, () => true, { maxInFlight: 2, maxBatch: 10 });
    await settle();
    expect(lease).toHaveBeenCalledTimes(2);
    rounds[0].finish();
    await settle();
    expect(lease).toHaveBeenCalledTimes(3);
    rounds[1].finish();
    rounds[2].finish();
    await expect(drained).resolves.toEqual({ leased: 30, full: false });
    expect(lease).toHaveBeenCalledTimes(4);
  });

  it('leases no more once told to stop (shutdown, broker unreachable), and waits for what is in flight', async () => {
    const first = pendingRound(10);
    const lease = jest.fn<Promise<LeasedRound>, []>().mockResolvedValue(first.round);
    let goOn = true;
    const drained = pipelinedRounds(lease, 10, () => goOn, { maxBatch: 10 });
    await settle();
    goOn = false;
    const calls = lease.mock.calls.length;
    first.finish();
    await expect(drained).resolves.toMatchObject({ full: true });
    expect(lease.mock.calls.length).toBeLessThanOrEqual(calls + 1);
  });

  it('stops leasing after a batch fails to record, lets the others end, then throws its error', async () => {
    const first = pendingRound(10);
    const second = pendingRound(10);
    const lease = jest
      .fn<Promise<LeasedRound>, []>()
      .mockResolvedValueOnce(first.round)
      .mockResolvedValueOnce(second.round)
      .mockResolvedValue(pendingRound(10).round);
    const drained = pipelinedRounds(lease, 10, () => true, { maxInFlight: 2, maxBatch: 10 });
    let settled = false;
    void drained.catch(() => (settled = true));
    first.fail(new Error('database gone'));
    await settle();
    expect(lease).toHaveBeenCalledTimes(2);
    expect(settled).toBe(false);
    second.finish();
    await expect(drained).rejects.toThrow('database gone');
  });

  it('grows the batch while rounds come back full, up to maxBatch', async () => {
    const lease = jest.fn(async (limit: number) => ({ size: limit, recorded: Promise.resolve() }));
    let rounds = 0;
    const result = await pipelinedRounds(lease, 10, () => ++rounds < 5, { maxBatch: 40 });
    expect(lease.mock.calls.map(([limit]) => limit)).toEqual([10, 20, 40, 40, 40]);
    expect(result).toEqual({ leased: 150, full: true });
  });

  it('does one round when it comes back short', async () => {
    const lease = jest.fn<Promise<LeasedRound>, []>().mockResolvedValue({ size: 0, recorded: Promise.resolve() });
    await expect(pipelinedRounds(lease, 10, () => true)).resolves.toEqual({ leased: 0, full: false });
    expect(lease).toHaveBeenCalledTimes(1);
  });
});
