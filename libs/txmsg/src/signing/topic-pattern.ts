/**
 * Whether `routingKey` matches the topic binding `pattern` as RabbitMQ matches them: words
 * separated by dots, `*` for exactly one word, `#` for zero or more. Pure.
 */
export function topicMatches(pattern: string, routingKey: string): boolean {
  const words = pattern.split('.');
  const keys = routingKey.split('.');
  // matched[j]: the pattern words seen so far match the first j words of the key.
  let matched = [true, ...new Array<boolean>(keys.length).fill(false)];
  for (const word of words) {
    const next = new Array<boolean>(keys.length + 1).fill(false);
    for (let j = 0; j <= keys.length; j++) {
      if (word === '#') next[j] = matched[j] || (j > 0 && next[j - 1]);
      else if (j > 0) next[j] = matched[j - 1] && (word === '*' || word === keys[j - 1]);
    }
    matched = next;
  }
  return matched[keys.length];
}
