import { redactedUrl } from '../notify/redacted-url';
import type { ListedNotification, NotificationDetail, NotificationFilter } from '../store/notification-queries';
import type { NotificationStatus } from '../store/notification-rows';
import { escapeHtml as e, page, queryOf } from './console-html';
import { NOTIFICATION_STATUSES } from './console-notification-params';

const when = (at: Date | null) => (at === null ? '' : at instanceof Date ? at.toISOString() : String(at));
const plural = (n: number) => `${n} notification${n === 1 ? '' : 's'}`;

/** A filter as query parameters, for links and form actions. */
export function notificationQuery(filter: NotificationFilter): Record<string, string | undefined> {
  return { status: filter.status, receiver: filter.receiver, subject: filter.subject };
}

/** What a filter takes, in words; the receiver redacted as every URL the console shows (one too short to parse as typed). */
function filterText(filter: NotificationFilter): string {
  const receiver = filter.receiver === undefined ? 'invalid' : redactedUrl(filter.receiver);
  const parts = [
    filter.receiver === undefined ? '' : `to ${receiver === 'invalid' ? filter.receiver : receiver}…`,
    filter.subject === undefined ? '' : `of subject ${filter.subject}`,
  ];
  return parts.filter(Boolean).join(' ');
}

/** What the last attempt came to: its failure category and HTTP status, or delivered. */
function lastOutcome(n: ListedNotification): string {
  if (n.attempts === 0 && n.last_status === null && n.last_error === null) return '';
  const status = n.last_status === null ? '' : ` (${n.last_status})`;
  return `${n.last_error ?? 'delivered'}${status}`;
}

/** When it last changed: finished, or last attempted, or written. */
function updated(n: ListedNotification): Date {
  const times = [n.created_at, n.last_attempt_at, n.finished_at].filter((t): t is Date => t !== null);
  return times.reduce((a, b) => (new Date(b) > new Date(a) ? b : a));
}

function row(base: string, n: ListedNotification): string {
  return `<tr><td><a href="${e(base)}/notifications/${e(n.id)}">${e(n.id)}</a></td><td>${e(n.subject ?? '')}</td>
<td>${e(redactedUrl(n.target_url))}</td><td><span class="tag ${e(n.status)}">${e(n.status)}</span></td><td>${e(n.attempts)}</td>
<td>${e(lastOutcome(n))}</td><td>${e(n.status === 'PENDING' ? when(n.next_attempt_at) : '')}</td><td>${e(when(updated(n)))}</td></tr>`;
}

/** Counts by status, each a link to its list. */
function countsLine(base: string, counts: Partial<Record<NotificationStatus, number>>): string {
  const label = (s: NotificationStatus) => (s === 'FAILED' ? 'FAILED (exhausted)' : s);
  const links = NOTIFICATION_STATUSES.map(
    (s) =>
      `<a href="${e(base)}/notifications${e(queryOf({ status: s }))}">${label(s)}</a> <strong data-status="${s}">${e(counts[s] ?? 0)}</strong>`,
  );
  return `<p id="counts">${links.join(' · ')}</p>`;
}

/** One page of notifications, newest first, with the counts, the filter form and the next page. */
export function notificationsPage(
  base: string,
  filter: NotificationFilter,
  counts: Partial<Record<NotificationStatus, number>>,
  rows: ListedNotification[],
  nextAfter: string | null,
  flash?: string,
): string {
  const options = ['', ...NOTIFICATION_STATUSES]
    .map((s) => `<option value="${s}"${s === (filter.status ?? '') ? ' selected' : ''}>${s || 'any'}</option>`)
    .join('');
  const next = nextAfter
    ? `<p><a id="next-page" href="${e(base)}/notifications${e(queryOf({ ...notificationQuery(filter), after: nextAfter }))}">Next page →</a></p>`
    : '';
  const bulk =
    filter.status === 'PENDING'
      ? ''
      : `<p><a id="resend-all" href="${e(base)}/notifications/confirm${e(queryOf(notificationQuery(filter)))}">Re-send all that match</a></p>`;
  const table = rows.length
    ? `<table id="notifications"><tr><th>id</th><th>subject</th><th>receiver</th><th>status</th><th>attempts</th><th>last outcome</th><th>next attempt</th><th>updated</th></tr>
${rows.map((n) => row(base, n)).join('')}</table>`
    : '<p class="muted">No notification matches.</p>';
  const body = `<h1>Notifications</h1>${flash ? `<p class="flash">${e(flash)}</p>` : ''}${countsLine(base, counts)}
<form method="get" action="${e(base)}/notifications"><label>Status <select name="status">${options}</select></label>
<label>Receiver <input name="receiver" value="${e(filter.receiver ?? '')}" placeholder="https://host/path…" title="the start of the receiver URL"></label>
<label>Subject <input name="subject" value="${e(filter.subject ?? '')}"></label> <button type="submit">Filter</button></form>
${bulk}${table}${next}`;
  return page('Notifications', body, { base });
}

/** Pretty-printed when it is JSON, as stored otherwise. */
function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** One notification: its facts, its body, every attempt, and the re-send unless it is on its ladder. */
export function notificationPage(base: string, n: NotificationDetail, flash?: string): string {
  const facts: [string, unknown][] = [
    ['id', n.id],
    ['notification id', n.notification_id],
    ['subject', n.subject ?? ''],
    ['type', n.type],
    ['receiver', redactedUrl(n.target_url)],
    ['status', n.status === 'FAILED' ? 'FAILED (exhausted)' : n.status],
    ['attempts (this ladder)', n.attempts],
    ['last outcome', lastOutcome(n)],
    ['next attempt', n.status === 'PENDING' ? when(n.next_attempt_at) : ''],
    ['written', when(n.created_at)],
    ['finished', when(n.finished_at)],
  ];
  const action =
    n.status === 'PENDING'
      ? '<p class="muted">PENDING: it is retried on its ladder by itself, so it cannot be re-sent now.</p>'
      : `<form method="post" action="${e(base)}/notifications/${e(n.id)}/resend"><button type="submit" id="resend">Re-send</button></form>
<p class="muted">A re-send makes it PENDING and due now, on a fresh retry ladder; the attempts below are kept.</p>`;
  const attempts = n.attemptLog.length
    ? `<table id="attempts"><tr><th>attempt</th><th>at</th><th>outcome</th><th>HTTP status</th><th>error</th><th>duration</th></tr>
${n.attemptLog
  .map(
    (a) =>
      `<tr><td>${e(a.attempt)}</td><td>${e(when(a.attempted_at))}</td><td>${a.error === null ? 'delivered' : 'failed'}</td>
<td>${e(a.status_code ?? '')}</td><td>${e(a.error ?? '')}</td><td>${e(a.duration_ms)} ms</td></tr>`,
  )
  .join('')}</table>`
    : '<p class="muted">No attempt yet.</p>';
  const body = `<h1>Notification ${e(n.notification_id)}</h1>${flash ? `<p class="flash">${e(flash)}</p>` : ''}${action}
<table>${facts.map(([k, v]) => `<tr><th>${e(k)}</th><td>${e(v)}</td></tr>`).join('')}</table>
<h2>Attempts</h2>${attempts}<h2>Body</h2><pre id="body">${e(pretty(n.body))}</pre>`;
  return page(`Notification ${n.notification_id}`, body, { base });
}

/**
 * The step before a bulk re-send: how many DELIVERED or FAILED notifications it takes now, and
 * the form that takes them. The action counts again, and says how many it re-sent.
 */
export function resendConfirmPage(base: string, filter: NotificationFilter, count: number): string {
  const target = `${base}/notifications/resend${queryOf(notificationQuery(filter))}`;
  const form =
    count === 0
      ? '<p class="muted">Nothing to do.</p>'
      : `<form method="post" action="${e(target)}"><button type="submit" id="confirm">Re-send ${e(plural(count))}</button></form>`;
  const which = filter.status ?? 'DELIVERED or FAILED';
  const body = `<h1>Re-send notifications</h1>
<p id="to-do"><strong>${e(count)}</strong> ${e([`${which} notification${count === 1 ? '' : 's'}`, filterText(filter)].filter(Boolean).join(' '))}.</p>
<p class="muted">Each is PENDING and due now, on a fresh retry ladder, its attempts so far kept; PENDING ones are left on their ladder.</p>
${form}<p><a href="${e(base)}/notifications${e(queryOf(notificationQuery(filter)))}">Back to the notifications</a></p>`;
  return page('Re-send notifications', body, { base });
}

/** What a re-send did, from its count in the query string. */
export function resentText(value: unknown): string | undefined {
  return typeof value === 'string' && /^\d{1,9}$/.test(value) ? `Re-sent ${plural(Number(value))}.` : undefined;
}
