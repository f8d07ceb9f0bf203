import type { OutboxListing } from '../store/outbox-rows';
import { escapeHtml as e, page, queryOf } from './console-html';

/** An outbox row as the console lists it, with how far its due time is on the database's clock. */
export type ListedOutboxRow = Omit<OutboxListing, 'payload'> & { dueInMs: number };

const when = (at: Date | null) => (at === null ? '' : at instanceof Date ? at.toISOString() : String(at));

/** `in 3 min`, `2 h ago`: how far a due time is, roughly. */
export function relativeTime(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 1000) return 'now';
  const [n, unit] =
    abs < 60_000
      ? [abs / 1000, 's']
      : abs < 3_600_000
        ? [abs / 60_000, 'min']
        : abs < 86_400_000
          ? [abs / 3_600_000, 'h']
          : [abs / 86_400_000, 'd'];
  const text = `${Math.floor(n)} ${unit}`;
  return ms > 0 ? `in ${text}` : `${text} ago`;
}

function row(base: string, m: ListedOutboxRow): string {
  const cancel =
    m.status === 'SCHEDULED'
      ? `<form class="inline" method="post" action="${e(base)}/outbox/${e(encodeURIComponent(m.messageId))}/cancel"><button type="submit">Cancel</button></form>`
      : '';
  return `<tr class="message"><td class="message-id">${e(m.messageId)}</td><td>${e(m.routingKey)}</td><td>${e(m.type)}</td>
<td>${e(when(m.nextAttemptAt))} <span class="muted">(${e(relativeTime(m.dueInMs))})</span></td><td>${e(when(m.createdAt))}</td><td>${cancel}</td></tr>`;
}

/** One page of outbox rows of a status, the counts of every status above it. */
export function outboxPage(
  base: string,
  shown: { status: string; latestFirst: boolean },
  counts: Record<string, number>,
  statuses: string[],
  rows: ListedOutboxRow[],
  nextCursor: string | undefined,
  flash?: string,
): string {
  const tabs = statuses
    .map((s) => {
      const label = `${s} <span class="count">${e(counts[s] ?? 0)}</span>`;
      return s === shown.status
        ? `<strong id="count-${e(s)}">${label}</strong>`
        : `<a id="count-${e(s)}" href="${e(base)}/outbox${e(queryOf({ status: s }))}">${label}</a>`;
    })
    .join(' · ');
  const next = nextCursor
    ? `<p><a id="next-page" href="${e(base)}/outbox${e(queryOf({ status: shown.status, after: nextCursor }))}">Next page →</a></p>`
    : '';
  const order = shown.latestFirst ? 'latest due time first' : 'due soonest first';
  const table = rows.length
    ? `<table id="messages"><tr><th>message id</th><th>routing key</th><th>event type</th><th>due at</th><th>created</th><th></th></tr>
${rows.map((m) => row(base, m)).join('')}</table>`
    : `<p class="muted">No ${e(shown.status)} message.</p>`;
  const body = `<h1>Outbox: ${e(shown.status)}</h1>${flash ? `<p class="flash">${e(flash)}</p>` : ''}
<p id="counts">${tabs}</p>
<p class="muted">50 a page, ${order}. A SCHEDULED message is a delayed one, held here until due; cancelled, it never leaves.
Times are the database's.</p>${table}${next}`;
  return page('Outbox', body, { base });
}
