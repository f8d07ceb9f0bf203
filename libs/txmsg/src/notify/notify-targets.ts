import type { ResolvedTxMsgOptions } from '../txmsg.options';

/** Why a notification URL is refused: {@link NotifyTargets.refusalOf}. */
export type NotifyUrlRefusalReason =
  /** Not an absolute http:// or https:// URL. */
  | 'not_http'
  /** It carries a user name or password, which the notifier never sends. */
  | 'userinfo'
  /** Its origin is neither in `notify.allowedOrigins` nor a key of `notify.secrets`. */
  | 'not_allowed'
  /** Its origin is allowed but no key signs for it (no own secret, no shared `notify.secret`). */
  | 'no_secret';

/** A refused notification URL: the reason, its origin when it has one, and a sentence. */
export interface NotifyUrlRefusal {
  reason: NotifyUrlRefusalReason;
  origin?: string;
  message: string;
}

/** Where a notification may go, and the key that signs it. */
export interface NotifyTarget {
  /** The URL as the notifier sends to it (WHATWG-canonical). */
  url: string;
  origin: string;
  secret: string;
}

/**
 * The notifier's receiver allow-list. Origins are compared canonically (`new URL(x).origin`:
 * lower-case scheme and host, default port dropped, numeric IPv4 and IPv6 spellings normalised),
 * with the parser the HTTP client uses, so no spelling of a URL reaches an origin nobody listed.
 */
export class NotifyTargets {
  private readonly allowed: Set<string>;
  private readonly secrets = new Map<string, string>();
  private readonly sharedSecret?: string;

  constructor(options: Pick<ResolvedTxMsgOptions['notify'], 'secret' | 'secrets' | 'allowedOrigins'>) {
    for (const [origin, secret] of Object.entries(options.secrets)) this.secrets.set(canonicalOrigin(origin), secret);
    this.allowed = new Set([...options.allowedOrigins.map(canonicalOrigin), ...this.secrets.keys()]);
    this.sharedSecret = options.secret;
  }

  /** The refusal of `url`, or undefined when a notification may be sent there. Pure. */
  refusalOf(url: string): NotifyUrlRefusal | undefined {
    const checked = this.check(url);
    return 'reason' in checked ? checked : undefined;
  }

  /** The target of `url`. @throws Error with the refusal's sentence. */
  resolve(url: string): NotifyTarget {
    const checked = this.check(url);
    if ('reason' in checked) throw new Error(checked.message);
    return checked;
  }

  private check(text: string): NotifyTarget | NotifyUrlRefusal {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return { reason: 'not_http', message: 'the notification URL is not an absolute URL' };
    }
    if (!['http:', 'https:'].includes(url.protocol)) {
      return { reason: 'not_http', message: 'the notification URL must be http:// or https://' };
    }
    const origin = url.origin;
    if (url.username || url.password) {
      return { reason: 'userinfo', origin, message: 'the notification URL must not carry a user name or password' };
    }
    if (!this.allowed.has(origin)) {
      return { reason: 'not_allowed', origin, message: `${origin} is not an allowed notification receiver` };
    }
    const secret = this.secrets.get(origin) ?? this.sharedSecret;
    if (!secret) return { reason: 'no_secret', origin, message: `no notification secret is configured for ${origin}` };
    return { url: url.href, origin, secret };
  }
}

/** `text`'s canonical origin; `text` itself when it does not parse (it then matches nothing). */
export function canonicalOrigin(text: string): string {
  try {
    return new URL(text).origin;
  } catch {
    return text;
  }
}
