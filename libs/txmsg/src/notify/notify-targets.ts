import type { ResolvedTxMsgOptions } from '../txmsg.options';
import { comparablePath, covers, notifyReceiverOf, receiverName } from './notify-receiver';

/** Why a notification URL is refused: {@link NotifyTargets.refusalOf}. */
export type NotifyUrlRefusalReason =
  /** Not an absolute http:// or https:// URL. */
  | 'not_http'
  /** It carries a user name or password, which the notifier never sends. */
  | 'userinfo'
  /** No receiver of `notify.secrets` is at its origin. */
  | 'not_allowed'
  /** Its origin has receivers, but none whose path prefix covers its path (or the path is ambiguous). */
  | 'outside_path';

/** A refused notification URL: the reason, its origin and path when it has them, and a sentence. */
export interface NotifyUrlRefusal {
  reason: NotifyUrlRefusalReason;
  origin?: string;
  /** The URL's path (WHATWG-normalised), for `outside_path`. */
  path?: string;
  message: string;
}

/** Where a notification may go, and the key that signs it. */
export interface NotifyTarget {
  /** The URL as the notifier sends to it (WHATWG-canonical). */
  url: string;
  origin: string;
  /** The receiver that covers it, canonically spelt (`https://merchant.example/hooks/`). */
  receiver: string;
  /** That receiver's own key. */
  secret: string;
}

interface Receiver {
  name: string;
  pathPrefix: string;
  secret: string;
}

/**
 * The notifier's receiver allow-list: the keys of `notify.secrets`, each an origin with an
 * optional path prefix and its own key. Origins are compared canonically (`new URL(x).origin`:
 * lower-case scheme and host, default port dropped, numeric IPv4 and IPv6 spellings normalised)
 * and paths after WHATWG normalisation (see {@link comparablePath}), with the parser the HTTP
 * client uses, and the notifier sends to the very URL it compared: no spelling reaches an origin
 * nobody listed, or a path outside its receiver's prefix. Of several receivers covering a URL the
 * one with the longest prefix signs it.
 */
export class NotifyTargets {
  /** Receivers by origin, longest prefix first. */
  private readonly receivers = new Map<string, Receiver[]>();

  constructor(options: Pick<ResolvedTxMsgOptions['notify'], 'secrets'>) {
    for (const [text, secret] of Object.entries(options.secrets)) {
      const receiver = notifyReceiverOf(text);
      if (!receiver) continue; // refused at start-up by the options' validation
      const list = this.receivers.get(receiver.origin) ?? [];
      list.push({ name: receiverName(receiver), pathPrefix: receiver.pathPrefix, secret });
      list.sort((a, b) => b.pathPrefix.length - a.pathPrefix.length);
      this.receivers.set(receiver.origin, list);
    }
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
    const atOrigin = this.receivers.get(origin);
    if (!atOrigin) {
      return { reason: 'not_allowed', origin, message: `${origin} is not an allowed notification receiver` };
    }
    const path = comparablePath(url.pathname);
    const receiver = path === undefined ? undefined : atOrigin.find((r) => covers(r.pathPrefix, path));
    if (!receiver) {
      const message = `${origin}${url.pathname} is outside the paths of the notification receivers at ${origin}`;
      return { reason: 'outside_path', origin, path: url.pathname, message };
    }
    return { url: url.href, origin, receiver: receiver.name, secret: receiver.secret };
  }
}
