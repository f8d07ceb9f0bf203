import { type FailedMessage, type FailedMessageDetail, PARK_REASONS } from '../consumer/failed-message';
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
  reason?: string;
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
  const query = {
    consumer: filter.consumer,
    reason: filter.reason,
    fingerprint: filter.fingerprint,
    search: filter.search,
  };
  const link = (action: string, label: string) =>
    `<a href="${e(base)}/groups/confirm${e(queryOf({ action, ...query }))}">${label}</a>`;
  return `<p>${link('requeue', 'Requeue all that match')} · ${link('delete', 'Delete all that match')}</p>`;
}

/** One page of failed messages, newest first, with the filter form and a link to the next page. */
export function failuresPage(base: string, filter: FailureFilter, list: FailedMessagePage, flash?: string): string {
  const options = ['', 'PARKED', 'WAITING', 'DISPATCHED']
    .map((s) => `<option value="${s}"${s === (filter.status ?? '') ? ' selected' : ''}>${s || 'any'}</option>`)
    .join('');
  const reasons = ['', ...PARK_REASONS]
    .map((r) => `<option value="${r}"${r === (filter.reason ?? '') ? ' selected' : ''}>${r || 'any'}</option>`)
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
<label>Reason <select name="reason">${reasons}</select></label>
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

const when = (at: Date | null) => (at === null ? '' : at instanceof Date ? at.toISOString() : String(at));

/** Every failure of the message kept, oldest first. */
function attemptsTable(m: FailedMessageDetail): string {
  if (m.history.length === 0)
    return '<p class="muted">No attempt is recorded (it failed before attempts were kept).</p>';
  const rows = m.history
    .map((a) => {
      const outcome = a.outcome === 'PARKED' ? `PARKED ${a.reason ?? ''}` : `RETRY at ${when(a.retryAt)}`;
      return `<tr><td>${e(a.attempt)}</td><td>${e(when(a.at))}</td><td>${e(outcome)}</td><td>${e(a.errorClass ?? '')}</td><td>${e((a.error ?? '').slice(0, 300))}</td></tr>`;
    })
    .join('');
  return `<table id="attempts"><tr><th>attempt</th><th>time</th><th>outcome</th><th>error class</th><th>error</th></tr>${rows}</table>`;
}

/** Requeue, Skip and Delete for a parked message, with what each does. */
function parkedActions(base: string, m: FailedMessageDetail): string {
  if (m.status !== 'PARKED') return '';
  const action = (verb: string, label: string) =>
    `<form class="inline" method="post" action="${e(base)}/failures/${e(m.id)}/${verb}"><button type="submit" id="${verb}">${label}</button></form>`;
  const skip = m.dedupKey === null ? '' : action('skip', 'Skip');
  const notes = [
    m.bodyTruncated ? '' : '<strong>Requeue</strong> sends it back to its queue with the retry ladder reset.',
    m.dedupKey === null
      ? 'It failed before its dedup key was known, so it cannot be skipped.'
      : '<strong>Skip</strong> gives up on it: it is recorded as handled without running the handler, so a redelivery is a duplicate and does nothing, and an ordering key waiting for it moves on.',
    '<strong>Delete</strong> only removes it from here: a redelivery would be handled as new.',
  ];
  return `<p>${m.bodyTruncated ? '' : action('requeue', 'Requeue')} ${skip} ${action('delete', 'Delete')}</p>
<p class="muted">${notes.filter(Boolean).join(' ')}</p>`;
}

/** One failed message: where it came from, its attempts, properties and body, and what can be done. */
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
    ['dedup key', m.dedupKey ?? ''],
    ['attempts', m.attempts],
    ['next attempt', m.nextAttemptAt instanceof Date ? m.nextAttemptAt.toISOString() : m.nextAttemptAt],
    ['first failed', m.createdAt instanceof Date ? m.createdAt.toISOString() : m.createdAt],
    ['updated', m.updatedAt instanceof Date ? m.updatedAt.toISOString() : m.updatedAt],
    ['body size', `${m.bodySize} bytes${m.bodyTruncated ? ' (only the start is kept)' : ''}`],
    ['payload hash', m.payloadHash],
  ];
  const body = `<h1>Message ${e(m.messageId)}</h1>${flash ? `<p class="flash">${e(flash)}</p>` : ''}${parkedActions(base, m)}
<table>${facts.map(([k, v]) => `<tr><th>${e(k)}</th><td>${e(v)}</td></tr>`).join('')}</table>
<h2>Attempts</h2>${attemptsTable(m)}
<h2>Last error</h2><pre id="last-error">${e(m.lastError ?? '')}</pre>
${m.lastStack ? `<h2>Stack</h2><pre id="stack">${e(m.lastStack)}</pre>` : ''}
<h2>Body</h2><pre id="body">${e(pretty(m.body))}</pre>
<h2>Properties and headers</h2><pre id="properties">${e(pretty(m.properties))}</pre>`;
  return page(`Message ${m.messageId}`, body, { base });
}
