/** An http(s) origin with nothing else: no user, path, query or fragment. */
export function isOrigin(text: string): boolean {
  if (!/^https?:\/\/[^/?#@\\]+$/i.test(text)) return false;
  try {
    return new URL(text).origin !== 'null';
  } catch {
    return false;
  }
}
