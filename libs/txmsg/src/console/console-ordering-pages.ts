import type { BlockedKeyView, KeyStanding } from '../ordering/ordering-keys';
import { escapeHtml as e, page, queryOf } from './console-html';

/** A key as its query parameters name it. */
export interface KeyRef {
  consumer: string;
  source: string;
  key: string;
}

const when = (at: Date | null) => (at === null ? '' : at instanceof Date ? at.toISOString() : String(at));

function blockingLink(base: string, blocking: BlockedKeyView['blocking']): string {
  if (!blocking) return '';
  return `<a href="${e(base)}/failures/${e(blocking.id)}">${e(blocking.messageId)}</a> <span class="tag ${e(blocking.status)}">${e(blocking.status)}</span>`;
}

function keyRow(base: string, k: BlockedKeyView): string {
  const ref = { consumer: k.consumer, source: k.source, key: k.key };
  const since = k.blockedAt ?? k.oldestHeldAt;
  const waitsFor = k.blockedSeq ?? k.lastSeq + 1;
  const why = k.blockedSeq === null ? 'never arrived' : 'failing';
  return `<tr class="key"><td>${e(k.consumer)}</td><td>${e(k.source)}</td><td><code>${e(k.key)}</code></td>
<td class="waits-for">#${e(waitsFor)} <span class="muted">(${why})</span></td><td>${e(when(since))}</td><td class="held">${e(k.held)}</td>
<td>${blockingLink(base, k.blocking)}</td><td><a href="${e(base)}/ordering/confirm${e(queryOf({ ...ref }))}">Skip</a></td></tr>`;
}

/** The keys ordered consumers wait on, longest waiting first, each with its skip. */
export function orderingPage(
  base: string,
  consumer: string | undefined,
  keys: BlockedKeyView[],
  limit: number,
  flash?: string,
): string {
  const table = keys.length
    ? `<table id="keys"><tr><th>consumer</th><th>source</th><th>key</th><th>waits for</th><th>since</th><th>held behind</th>
<th>blocking message</th><th></th></tr>${keys.map((k) => keyRow(base, k)).join('')}</table>`
    : '<p class="muted">No ordering key is blocked.</p>';
  const more =
    keys.length === limit
      ? `<p class="muted">The ${limit} keys waiting longest are shown; filter by consumer to see others.</p>`
      : '';
  const body = `<h1>Blocked ordering keys</h1>${flash ? `<p class="flash">${e(flash)}</p>` : ''}
<p class="muted">An ordered consumer applies the messages of a key in order: one failing (on the retry ladder or parked), or one that never
arrived, holds back the messages after it. Times are the database's.</p>
<form method="get" action="${e(base)}/ordering"><label>Consumer <input name="consumer" value="${e(consumer ?? '')}"></label>
<button type="submit">Filter</button></form>${table}${more}`;
  return page('Blocked ordering keys', body, { base });
}

/** The step before a skip: what it gives up, how many held messages it releases, and the form. */
export function skipConfirmPage(base: string, ref: KeyRef, standing: KeyStanding): string {
  const { skipTo, held, lastSeq } = standing;
  const what =
    skipTo === undefined
      ? `<p id="to-do">The key waits on nothing now (applied up to #${e(lastSeq)}).</p>`
      : `<p id="to-do">Skipping gives up ${skipTo === lastSeq + 1 ? `message #${e(skipTo)}` : `messages #${e(lastSeq + 1)} to #${e(skipTo)}`}
of the key and releases the <strong>${e(held)}</strong> held message${held === 1 ? '' : 's'} after it, in order.</p>
<p class="muted">${
          standing.blocking
            ? `The failed message ${blockingLink(base, standing.blocking)} stays where it is: requeued later, it is applied late, out of order.`
            : 'No failed message of that number is kept: it never arrived, or was deleted.'
        }</p>`;
  const form =
    skipTo === undefined
      ? '<p class="muted">Nothing to do.</p>'
      : `<form method="post" action="${e(base)}/ordering/skip${e(queryOf({ ...ref }))}"><button type="submit" id="confirm">Skip and release ${e(held)} message${held === 1 ? '' : 's'}</button></form>`;
  const body = `<h1>Skip an ordering key</h1>
<table><tr><th>consumer</th><td>${e(ref.consumer)}</td></tr><tr><th>source</th><td>${e(ref.source)}</td></tr>
<tr><th>key</th><td><code>${e(ref.key)}</code></td></tr></table>
${what}${form}<p><a href="${e(base)}/ordering">Back to the blocked keys</a></p>`;
  return page('Skip an ordering key', body, { base });
}
