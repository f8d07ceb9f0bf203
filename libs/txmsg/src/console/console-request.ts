/** What the console reads of a request, alike on Express and Fastify. */
export interface ConsoleRequest {
  method: string;
  url: string;
  /** Express: the URL before any router took part of it; Fastify has only `url`. */
  originalUrl?: string;
  protocol?: string;
  headers: Record<string, string | string[] | undefined>;
}

/** One header's value (the first, when sent more than once). */
export function headerOf(request: ConsoleRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The URL path the console is served under for this request, as the browser sees it: with the
 * application's global prefix, if any, in front of `consolePath`. Links, form actions, redirects
 * and the cookie's path are built on it.
 */
export function consoleBase(request: ConsoleRequest, consolePath: string): string {
  const path = (request.originalUrl ?? request.url).split('?')[0];
  const mount = `/${consolePath}`;
  const lower = path.toLowerCase();
  for (let at = lower.indexOf(mount.toLowerCase()); at >= 0; at = lower.indexOf(mount.toLowerCase(), at + 1)) {
    const end = at + mount.length;
    if (end === path.length || path[end] === '/') return path.slice(0, end);
  }
  return mount;
}

/**
 * Whether a state-changing request comes from the console's own pages: its `Origin` (or, without
 * one, its `Referer`) names the host the request was sent to. A request with neither (a script
 * with the bearer token, say) passes: a browser sends `Origin` with every cross-site POST.
 */
export function sameOrigin(request: ConsoleRequest): boolean {
  const from = headerOf(request, 'origin') ?? headerOf(request, 'referer');
  if (from === undefined) return true;
  const host = headerOf(request, 'x-forwarded-host') ?? headerOf(request, 'host');
  try {
    return host !== undefined && new URL(from).host === host;
  } catch {
    return false;
  }
}

/** The query parameters a form filled in: a form sends its empty fields too, and empty means not filtered. */
export function filledIn(query: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(query).filter(([, value]) => value !== ''));
}
