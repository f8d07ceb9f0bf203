import { topicMatches } from './topic-pattern';

describe(topicMatches.name, () => {
  it.each([
    ['bank1.transfer.started', 'bank1.transfer.started', true],
    ['bank1.transfer.started', 'bank1.transfer.credited', false],
    ['bank1.*.started', 'bank1.transfer.started', true],
    ['bank1.*', 'bank1.transfer.started', false],
    ['bank1.#', 'bank1.transfer.started', true],
    ['bank1.#', 'bank1', true],
    ['#', 'anything.at.all', true],
    ['#.started', 'bank1.transfer.started', true],
    ['#.started', 'bank1.transfer.credited', false],
    ['bank1.#.started', 'bank1.started', true],
    ['*.transfer.*', 'bank2.transfer.rejected', true],
    ['*', 'a.b', false],
  ])('%s matches %s: %s', (pattern, key, expected) => {
    expect(topicMatches(pattern, key)).toBe(expected);
  });
});
