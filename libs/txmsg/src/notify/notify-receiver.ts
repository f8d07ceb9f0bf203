/**
 * An allowed notification receiver: an origin, and the path prefix its URLs must lie under
 * (`/` for the whole origin).
 */
export interface NotifyReceiver {
  /** `https://merchant.example:8443`, as `new URL(x).origin` writes it. */
  origin: string;
  /** The {@link comparablePath} a URL's path must equal or lie under. */
  pathPrefix: string;
}

/**
 * The receiver a `notify.secrets` key names: an http(s) origin (`https://merchant.example`),
 * optionally followed by a path prefix (`https://merchant.example/hooks/`). Undefined when `text`
 * is not one: not http(s), with a user name, password, query string or fragment, or with a path
 * that is ambiguous (see {@link comparablePath}). Pure.
 */
export function notifyReceiverOf(text: string): NotifyReceiver | undefined {
  if (/[?#]/.test(text)) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.username || url.password) return undefined;
  const pathPrefix = comparablePath(url.pathname);
  return pathPrefix === undefined ? undefined : { origin: url.origin, pathPrefix };
}

/** The canonical spelling of a receiver: its origin, followed by its path prefix unless that is `/`. */
export function receiverName(receiver: NotifyReceiver): string {
  return receiver.pathPrefix === '/' ? receiver.origin : `${receiver.origin}${receiver.pathPrefix}`;
}

/**
 * The canonical spelling of the receiver a `notify.secrets` key names (`HTTPS://Merchant.example:443/hooks/`
 * is `https://merchant.example/hooks/`), so that a host can tell two spellings of one receiver
 * apart from two receivers; undefined when `text` names none. Pure.
 */
export function canonicalReceiver(text: string): string | undefined {
  const receiver = notifyReceiverOf(text);
  return receiver && receiverName(receiver);
}

const UNRESERVED = /^[A-Za-z0-9._~-]$/;

/**
 * A WHATWG-normalised path (`new URL(x).pathname`: dot segments, `%2e` among them, resolved and
 * `\` read as `/`) in the form prefixes are compared in: percent-encoded unreserved characters
 * decoded (`%68ooks` is `hooks`), other escapes upper-cased. Undefined when the path could mean
 * something else to the receiver than to the notifier: an encoded `/` or `\` (`%2F`, `%5C`), or a
 * segment that is a dot segment once a `;` parameter is dropped (`..;x`) — servers that decode or
 * strip those and then resolve dot segments would otherwise let `/hooks/..%2Fadmin` leave `/hooks/`.
 */
export function comparablePath(pathname: string): string | undefined {
  const path = pathname.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => {
    const char = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : `%${hex.toUpperCase()}`;
  });
  if (/%2F|%5C/.test(path)) return undefined;
  const dotSegment = (segment: string) => ['.', '..'].includes(segment.split(';')[0]);
  return path.split('/').some(dotSegment) ? undefined : path;
}

/**
 * Whether `path` (a {@link comparablePath}) lies under `prefix`: a prefix ending in `/` covers
 * every path that starts with it; any other covers itself and what lies below it (`/hooks` covers
 * `/hooks` and `/hooks/a`, never `/hooksmith`).
 */
export function covers(prefix: string, path: string): boolean {
  if (prefix.endsWith('/')) return path.startsWith(prefix);
  return path === prefix || path.startsWith(`${prefix}/`);
}
