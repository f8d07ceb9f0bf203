import { escapeHtml as e, page, queryOf } from './console-html';
import type { Overview, Tally } from './console-overview';
import { backlogsOf } from './console-samples';
import { backlogTable, consumerTable, type History } from './console-trend-tables';

/** A table of counts; `linkOf`, when it gives a link, makes a row's count a link to where its rows are listed. */
function tallyTable(
  title: string,
  tallies: Tally[] | null,
  columns: string[],
  empty: string,
  linkOf?: (t: Tally) => string | undefined,
): string {
  if (tallies === null) return `<h2>${e(title)}</h2><p class="error">Could not be read from the database.</p>`;
  if (tallies.length === 0) return `<h2>${e(title)}</h2><p class="muted">${e(empty)}</p>`;
  const head = columns.map((c) => `<th>${e(c)}</th>`).join('');
  const rows = tallies
    .map(
      (t) =>
        `<tr>${Object.values(t.labels)
          .map((v) => `<td>${e(v)}</td>`)
          .join('')}<td>${link(e(t.value), linkOf?.(t))}</td></tr>`,
    )
    .join('');
  return `<h2>${e(title)}</h2><table><tr>${head}</tr>${rows}</table>`;
}

const link = (html: string, href: string | undefined) => (href ? `<a href="${e(href)}">${html}</a>` : html);

/** The parked messages of a consumer and reason, as the failures list shows them (a row without a reason: of the consumer). */
function parkedLink(base: string, t: Tally): string {
  const { consumer, reason } = t.labels;
  return `${base}/failures${queryOf({ status: 'PARKED', consumer, reason: reason === 'UNKNOWN' ? undefined : reason })}`;
}

/**
 * The overview, refreshed every 5 s: this instance's consumers with their rates and graphs, the
 * database's backlogs with theirs, then what is stuck, by status, consumer and reason; a count
 * links to where its rows are listed.
 */
export function overviewPage(base: string, o: Overview, history: History): string {
  const oldest =
    o.oldestUnpublishedSeconds === null ? 'unknown' : `${Math.round(o.oldestUnpublishedSeconds * 10) / 10} s`;
  const body = `<h1>Overview</h1>
<p>Oldest unpublished message: <strong id="oldest-unpublished">${e(oldest)}</strong></p>
${consumerTable(history)}
${backlogTable(history, backlogsOf(o))}
${tallyTable('Outbox backlog', o.outboxByStatus, ['status', 'messages'], 'Nothing waits in the outbox.', (t) => `${base}/outbox${queryOf({ status: t.labels.status })}`)}
${tallyTable('Failed messages', o.failuresByStatus, ['status', 'messages'], 'No failed messages.')}
${tallyTable('Parked, by consumer', o.parkedByConsumer, ['consumer', 'reason', 'messages'], 'Nothing parked.', (t) => parkedLink(base, t))}
${tallyTable('On the retry ladder, by consumer', o.ladderOldestByConsumer, ['consumer', 'oldest failure (s ago)'], 'Nothing on the ladder.')}
${tallyTable('Notifications', o.notificationsByStatus, ['status (FAILED: exhausted)', 'notifications'], 'No notification pending or exhausted.', (t) => `${base}/notifications${queryOf({ status: t.labels.status })}`)}
${tallyTable('Blocked ordering keys', o.blockedKeysByConsumer, ['consumer', 'keys'], 'No ordering key is blocked.', (t) => `${base}/ordering${queryOf({ consumer: t.labels.consumer })}`)}`;
  return page('Overview', body, { base, refreshSeconds: 5 });
}
