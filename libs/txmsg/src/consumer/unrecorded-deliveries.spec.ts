import { UnrecordedDeliveries } from './unrecorded-deliveries';

describe(UnrecordedDeliveries.name, () => {
  it('lets a delivery leave after as many refusals while the database answered', () => {
    const unrecorded = new UnrecordedDeliveries(3, 60_000);
    expect([1, 2, 3].map(() => unrecorded.failed('a', true, 0))).toEqual([false, false, true]);
    expect(unrecorded.failed('a', true, 0)).toBe(false); // counted afresh once it left
  });

  it('keeps trying while the database is down, until the time is up', () => {
    const unrecorded = new UnrecordedDeliveries(3, 60_000);
    for (let t = 0; t < 60_000; t += 1000) expect(unrecorded.failed('a', false, t)).toBe(false);
    expect(unrecorded.failed('a', false, 60_000)).toBe(true);
  });

  it('forgets a delivery whose outcome was recorded, and counts each delivery apart', () => {
    const unrecorded = new UnrecordedDeliveries(2, 60_000);
    unrecorded.failed('a', true, 0);
    unrecorded.recorded('a');
    expect(unrecorded.failed('a', true, 0)).toBe(false);
    expect(unrecorded.failed('b', true, 0)).toBe(false);
    expect(unrecorded.failed('a', true, 0)).toBe(true);
  });
});
