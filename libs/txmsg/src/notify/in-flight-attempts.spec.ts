import { InFlightAttempts, originOf } from './in-flight-attempts';

const row = (id: string, url: string) => ({ notification_id: id, target_url: url });

describe(InFlightAttempts.name, () => {
  const slow = (id: string) => row(id, `http://slow.example/hook?n=${id}`);
  const fast = (id: string) => row(id, `http://fast.example:8080/hook/${id}`);

  it('takes at most the per-origin bound for one origin, in due order, and lets every other origin through', () => {
    const inFlight = new InFlightAttempts(2, 10);
    const taken = inFlight.take([slow('s1'), slow('s2'), slow('s3'), fast('f1'), slow('s4')]);

    expect(taken.map((r) => r.notification_id)).toEqual(['s1', 's2', 'f1']);
    expect(inFlight.saturatedOrigins()).toEqual(['http://slow.example']);
    expect(inFlight.free).toBe(7);
  });

  it('never takes a notification whose attempt still runs', () => {
    const inFlight = new InFlightAttempts(4, 10);
    expect(inFlight.take([fast('f1')])).toHaveLength(1);

    expect(inFlight.take([fast('f1'), fast('f2')]).map((r) => r.notification_id)).toEqual(['f2']);
    expect(inFlight.running().sort()).toEqual(['f1', 'f2']);
  });

  it('frees a slot on release, and says when its origin or the whole sender was full', () => {
    const inFlight = new InFlightAttempts(2, 3);
    inFlight.take([slow('s1'), slow('s2'), fast('f1')]);
    expect(inFlight.take([fast('f2')])).toEqual([]); // three in flight: the total bound

    expect(inFlight.release(slow('s1'))).toBe(true); // slow.example was at its bound
    expect(inFlight.saturatedOrigins()).toEqual([]);
    expect(inFlight.release(fast('f1'))).toBe(false);
    expect(inFlight.release(fast('f1'))).toBe(false); // released once only
    expect(inFlight.take([slow('s3'), fast('f2')]).map((r) => r.notification_id)).toEqual(['s3', 'f2']);
  });

  it('counts a URL by its canonical origin', () => {
    expect(originOf('http://fast.example:8080/hook/1?x=1')).toBe('http://fast.example:8080');
    expect(originOf('not a url')).toBe('invalid');
  });
});
