import { DueTimer } from './due-timer';

describe(DueTimer.name, () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('fires once at the earliest time it was armed for', () => {
    const fire = jest.fn();
    const timer = new DueTimer(fire);
    timer.arm(5000);
    timer.arm(2000);
    timer.arm(3000);
    expect(timer.armedAt).toBe(2000);
    jest.advanceTimersByTime(1999);
    expect(fire).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(fire).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(10_000);
    expect(fire).toHaveBeenCalledTimes(1);
    expect(timer.armedAt).toBeUndefined();
  });

  it('can be armed again after it fired, and fires at once for a time already past', () => {
    const fire = jest.fn();
    const timer = new DueTimer(fire);
    timer.arm(10);
    jest.advanceTimersByTime(10);
    timer.arm(-500);
    jest.advanceTimersByTime(0);
    expect(fire).toHaveBeenCalledTimes(2);
  });

  it('caps a far time at what setTimeout takes instead of firing at once', () => {
    const fire = jest.fn();
    const timer = new DueTimer(fire);
    timer.arm(366 * 24 * 3600 * 1000);
    jest.advanceTimersByTime(1000);
    expect(fire).not.toHaveBeenCalled();
    expect(timer.armedAt).toBe(2 ** 31 - 1);
  });

  it('does not fire once cleared', () => {
    const fire = jest.fn();
    const timer = new DueTimer(fire);
    timer.arm(100);
    timer.clear();
    jest.advanceTimersByTime(1000);
    expect(fire).not.toHaveBeenCalled();
  });
});
