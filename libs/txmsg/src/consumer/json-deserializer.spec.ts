import { depthExceeds, jsonDeserializer } from './json-deserializer';
import { PoisonMessage } from './poison-message';

describe(jsonDeserializer.name, () => {
  const deserialize = jsonDeserializer({ maxBytes: 1024, maxDepth: 4 });

  it('parses JSON within the limits', () => {
    expect(deserialize(Buffer.from('{"a":[{"b":[1]}]}'))).toEqual({ a: [{ b: [1] }] });
  });

  it('parks a body over the size limit without decoding it', () => {
    const result = deserialize(Buffer.alloc(1025, 0x20));
    expect(result).toBeInstanceOf(PoisonMessage);
    expect(result).toMatchObject({ kind: 'OVERSIZED', reason: expect.stringContaining('1025 bytes') });
  });

  it('parks a body nested deeper than the limit', () => {
    expect(deserialize(Buffer.from('[[[[[1]]]]]'))).toMatchObject({
      kind: 'POISON',
      reason: expect.stringContaining('deeper'),
    });
  });

  it('parks a 100 000-deep body, which JSON.parse would accept and anything recursive would overflow on', () => {
    const deep = jsonDeserializer({ maxBytes: 1024 * 1024, maxDepth: 64 });
    expect(deep(Buffer.from('['.repeat(100_000) + ']'.repeat(100_000)))).toBeInstanceOf(PoisonMessage);
  });

  it('parks a body that is not JSON', () => {
    expect(deserialize(Buffer.from('{"txNo": '))).toMatchObject({ kind: 'POISON' });
  });
});

describe(depthExceeds.name, () => {
  it('does not count brackets inside strings, escaped quotes included', () => {
    expect(depthExceeds(Buffer.from('{"a":"[[[[[\\"[[[[[[","b":["é[[[["]}'), 2)).toBe(false);
  });

  it('counts sibling structures one at a time', () => {
    expect(depthExceeds(Buffer.from('[[1],[2],[3],{"a":1}]'), 2)).toBe(false);
    expect(depthExceeds(Buffer.from('[[1],[[2]]]'), 2)).toBe(true);
  });
});
