import { reusedFor } from './reused-read';

describe(reusedFor.name, () => {
  /** A read that waits to be answered, and a clock the test moves. */
  const setUp = (intervalMs: number) => {
    let clock = 0;
    const pending: ((value: number) => void)[] = [];
    const read = jest.fn(() => new Promise<number>((resolve) => pending.push(resolve)));
    const cached = reusedFor(intervalMs, read, () => clock);
    return {
      cached,
      read,
      advance: (ms: number) => (clock += ms),
      answer: (value: number) => pending.shift()!(value),
    };
  };

  it('shares one read among every caller while it runs, however many ask', async () => {
    const { cached, read, answer } = setUp(5000);
    const waiting = Array.from({ length: 100 }, () => cached());
    expect(read).toHaveBeenCalledTimes(1);
    answer(7);
    expect(await Promise.all(waiting)).toEqual(Array(100).fill(7));
  });

  it('serves the last read for the interval after it finished, then reads again', async () => {
    const { cached, read, advance, answer } = setUp(5000);
    const first = cached();
    advance(3000); // a slow read: the interval starts when it finishes
    answer(1);
    await first;
    advance(4999);
    expect(await cached()).toBe(1);
    expect(read).toHaveBeenCalledTimes(1);
    advance(1);
    const second = cached();
    expect(read).toHaveBeenCalledTimes(2);
    answer(2);
    expect(await second).toBe(2);
  });

  it('never runs two reads at once, even when one outlasts the interval', async () => {
    const { cached, read, advance, answer } = setUp(10);
    const first = cached();
    advance(60_000);
    expect(cached()).toBe(first);
    expect(read).toHaveBeenCalledTimes(1);
    answer(1);
    await first;
  });
});
