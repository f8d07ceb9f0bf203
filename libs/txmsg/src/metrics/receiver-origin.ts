/**
 * The label a notification's receiver is counted under: `scheme://host:port`, the port always
 * written out. Never the path, query or credentials — they may carry tokens, and each distinct
 * value would be a new series. A URL that does not parse counts as `invalid`.
 */
export function receiverOrigin(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'invalid';
  }
  const port = parsed.port || (parsed.protocol === 'https:' ? '443' : parsed.protocol === 'http:' ? '80' : '');
  return port === '' ? `${parsed.protocol}//${parsed.hostname}` : `${parsed.protocol}//${parsed.hostname}:${port}`;
}
