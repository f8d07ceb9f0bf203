import { PARK_REASONS } from '../consumer/failed-message';
import type { FailureGroup, ParkedFilter } from '../consumer/failure-queries';
import { escapeHtml as e, page, queryOf } from './console-html';

/** A filter of parked messages as query parameters: `fingerprint=none` for the rows without one. */
export function filterQuery(filter: ParkedFilter): Record<string, string | undefined> {
  return {
    consumer: filter.consumer,
    reason: filter.reason,
    fingerprint: filter.fingerprint === null ? 'none' : filter.fingerprint,
    search: filter.search,
  };
}

/** What a filter takes, in words, for the confirmation and the flash. */
export function filterText(filter: ParkedFilter): string {
  const parts = [
    filter.consumer === undefined ? 'of every consumer' : `of consumer ${filter.consumer}`,
    filter.reason === undefined ? '' : `parked as ${filter.reason}`,
    filter.fingerprint === undefined ? '' : `with fingerprint ${filter.fingerprint ?? 'none'}`,
    filter.search === undefined ? '' : `matching “${filter.search}”`,
  ];
  return parts.filter(Boolean).join(' ');
}

const when = (at: Date) => (at instanceof Date ? at.toISOString() : String(at));

function groupRow(base: string, g: FailureGroup): string {
  const query = filterQuery({ consumer: g.consumer, fingerprint: g.fingerprint });
  const messages = `${base}/failures${queryOf({ status: 'PARKED', ...query })}`;
  const confirm = (action: string) => `${base}/groups/confirm${queryOf({ action, ...query })}`;
  return `<tr class="group"><td>${e(g.consumer)}</td><td>${e(g.reason ?? '')}</td><td>${e(g.errorClass ?? '')}</td>
<td><code>${e(g.fingerprint ?? 'none')}</code></td><td class="count">${e(g.count)}</td><td>${e(when(g.oldestAt))}</td><td>${e(when(g.newestAt))}</td>
<td>${e((g.sampleError ?? '').slice(0, 160))}</td>
<td><a href="${e(messages)}">Messages</a> · <a href="${e(confirm('requeue'))}">Requeue all</a> · <a href="${e(confirm('delete'))}">Delete all</a></td></tr>`;
}

/** Parked messages grouped by cause, largest group first, each with its actions. */
export function groupsPage(
  base: string,
  filter: Pick<ParkedFilter, 'consumer' | 'reason'>,
  groups: FailureGroup[],
  flash?: string,
): string {
  const reasons = ['', ...PARK_REASONS]
    .map((r) => `<option value="${r}"${r === (filter.reason ?? '') ? ' selected' : ''}>${r || 'any'}</option>`)
    .join('');
  const table = groups.length
    ? `<table id="groups"><tr><th>consumer</th><th>reason</th><th>error class</th><th>fingerprint</th><th>messages</th><th>first failed</th>
<th>last failed</th><th>sample error</th><th></th></tr>${groups.map((g) => groupRow(base, g)).join('')}</table>`
    : '<p class="muted">Nothing is parked.</p>';
  const body = `<h1>Parked messages by cause</h1>${flash ? `<p class="flash">${e(flash)}</p>` : ''}
<p class="muted">Messages of one consumer whose handler failed the same way (error class and message, numbers and ids left out) share a fingerprint.</p>
<form method="get" action="${e(base)}/groups"><label>Consumer <input name="consumer" value="${e(filter.consumer ?? '')}"></label>
<label>Reason <select name="reason">${reasons}</select></label> <button type="submit">Filter</button></form>${table}`;
  return page('Failure groups', body, { base });
}

/**
 * The step before a bulk action: how many parked messages it will take now, and the form that
 * takes them. The count is read again by the action itself, which says how many it changed.
 */
export function confirmPage(base: string, action: 'requeue' | 'delete', filter: ParkedFilter, count: number): string {
  const verb = action === 'requeue' ? 'Requeue' : 'Delete';
  const target = `${base}/groups/${action}${queryOf(filterQuery(filter))}`;
  const form =
    count === 0
      ? '<p class="muted">Nothing to do.</p>'
      : `<form method="post" action="${e(target)}"><button type="submit" id="confirm">${verb} ${e(count)} message${count === 1 ? '' : 's'}</button></form>`;
  const note =
    action === 'requeue'
      ? 'Each goes back to its queue with the retry ladder reset; a message of an oversized body stays (only its start is kept here).'
      : 'They are deleted for good.';
  const body = `<h1>${verb} parked messages</h1>
<p id="to-do"><strong>${e(count)}</strong> parked message${count === 1 ? '' : 's'} ${e(filterText(filter))}.</p>
<p class="muted">${e(note)}</p>${form}<p><a href="${e(base)}/groups">Back to the groups</a></p>`;
  return page(`${verb} parked messages`, body, { base });
}
