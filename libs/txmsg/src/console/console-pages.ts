import type { FailedMessage, FailedMessageDetail } from '../consumer/failed-message';
import type { FailedMessagePage } from '../consumer/failed-message-page';
import { escapeHtml as e, page, queryOf } from './console-html';

/** The login form; `error` says why the last try failed. */
export function loginPage(base: string, error?: string): string {
  return page(
    'Log in',
    `<h1>Log in</h1>${error ? `<p class="error">${e(error)}</p>` : ''}
<form method="post" action="${e(base)}/login"><label>Admin token <input type="password" name="token" autocomplete="current-password" required autofocus></label>
<button type="submit">Log in</button></form>`,
  );
}

/** The filter a list of failures was asked with. */
export interface FailureFilter {
  status?: string;
  consumer?: string;
  fingerprint?: string;
  search?: string;
}

function row(base: string, m: FailedMessage): string {
  return `<tr><td><a href="${e(base)}/failures/${e(m.id)}">${e(m.id)}</a></td><td><span class="tag ${e(m.status)}">${e(m.status)}</span></td>
<td>${e(m.reason ?? '')}</td><td>${e(m.consumer)}</td><td>${e(m.routingKey)}</td><td>${e(m.messageId)}</td><td>${e(m.attempts)}</td>
<td>${e(m.updatedAt instanceof Date ? m.updatedAt.toISOString() : m.updatedAt)}</td><td>${e((m.lastError ?? '').slice(0, 120))}</td></tr>`;
}

/** The bulk actions on every parked message of the filter, each through its confirmation page. */
function bulkLinks(base: string, filter: FailureFilter): string {
  if (filter.status !== 'PARKED') return '';
  const query = { consumer: filter.consumer, fingerprint: filter.fingerprint, search: filter.search };
  const link = (action: string, label: string) =>
    `<a href="${e(base)}/groups/confirm${e(queryOf({ action, ...query }))}">${label}</a>`;
  return `<p>${link('requeue', 'Requeue all that match')} · ${link('delete', 'Delete all that match')}</p>`;
}

/** One page of failed messages, newest first, with the filter form and a link to the next page. */
export function failuresPage(base: string, filter: FailureFilter, list: FailedMessagePage, flash?: string): string {
  const options = ['', 'PARKED', 'WAITING', 'DISPATCHED']
    .map((s) => `<option value="${s}"${s === (filter.status ?? '') ? ' selected' : ''}>${s || 'any'}</option>`)
    .join('');
  const next = list.nextCursor
    ? `<p><a id="next-page" href="${e(base)}/failures${e(queryOf({ ...filter, after: list.nextCursor }))}">Next page →</a></p>`
    : '';
  const table = list.items.length
    ? `<table><tr><th>id</th><th>status</th><th>reason</th><th>consumer</th><th>routing key</th><th>message id</th><th>attempts</th><th>updated</th><th>last error</th></tr>
${list.items.map((m) => row(base, m)).join('')}</table>`
    : '<p class="muted">No failed message matches.</p>';
  const body = `<h1>Failed messages</h1>${flash ? `<p class="flash">${e(flash)}</p>` : ''}
<form method="get" action="${e(base)}/failures"><label>Status <select name="status">${options}</select></label>
<label>Consumer <input name="consumer" value="${e(filter.consumer ?? '')}"></label>
<label>Search <input name="search" value="${e(filter.search ?? '')}" placeholder="message id, routing key, body…"></label>
${filter.fingerprint ? `<input type="hidden" name="fingerprint" value="${e(filter.fingerprint)}">` : ''} <button type="submit">Filter</button></form>
${bulkLinks(base, filter)}${table}${next}`;
  return page('Failed messages', body, { base });
}

/** Pretty-printed when it is JSON, as received otherwise. */
function pretty(text: string | object): string {
  if (typeof text !== 'string') return JSON.stringify(text, null, 2);
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** One failed message: where it came from, its properties and body, its last error, and what can be done. */
export function messagePage(base: string, m: FailedMessageDetail, flash?: string): string {
  const facts: [string, unknown][] = [
    ['id', m.id],
    ['status', m.status],
    ['reason', m.reason ?? ''],
    ['consumer', m.consumer],
    ['message id', m.messageId],
    ['queue', m.queue],
    ['exchange', m.exchange],
    ['routing key', m.routingKey],
    ['error class', m.errorClass ?? ''],
    ['fingerprint', m.fingerprint ?? ''],
    ['trace id', m.traceId ?? ''],
    ['attempts', m.attempts],
    ['next attempt', m.nextAttemptAt instanceof Date ? m.nextAttemptAt.toISOString() : m.nextAttemptAt],
    ['first failed', m.createdAt instanceof Date ? m.createdAt.toISOString() : m.createdAt],
    ['updated', m.updatedAt instanceof Date ? m.updatedAt.toISOString() : m.updatedAt],
    ['body size', `${m.bodySize} bytes${m.bodyTruncated ? ' (only the start is kept)' : ''}`],
    ['payload hash', m.payloadHash],
  ];
  const action = (verb: string, label: string) =>
    `<form class="inline" method="post" action="${e(base)}/failures/${e(m.id)}/${verb}"><button type="submit">${label}</button></form>`;
  const actions =
    m.status === 'PARKED'
      ? `<p>${m.bodyTruncated ? '' : action('requeue', 'Requeue')} ${action('delete', 'Delete')}</p>`
      : '';
  const body = `<h1>Message ${e(m.messageId)}</h1>${flash ? `<p class="flash">${e(flash)}</p>` : ''}${actions}
<table>${facts.map(([k, v]) => `<tr><th>${e(k)}</th><td>${e(v)}</td></tr>`).join('')}</table>
<h2>Last error</h2><pre id="last-error">${e(m.lastError ?? '')}</pre>
<h2>Body</h2><pre id="body">${e(pretty(m.body))}</pre>
<h2>Properties and headers</h2><pre id="properties">${e(pretty(m.properties))}</pre>`;
  return page(`Message ${m.messageId}`, body, { base });
}
