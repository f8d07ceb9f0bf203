import { escapeHtml as e } from './console-html';
import { backlogSeries, type ConsumerTrend, consumerTrends } from './console-rates';
import {
  BACKLOG_NAMES,
  type BacklogName,
  type Backlogs,
  RATE_COLUMNS,
  SAMPLES_KEPT,
  type Sample,
} from './console-samples';
import { sparkline } from './console-sparkline';

/** The samples the overview draws, and how often they are taken. */
export interface History {
  samples: Sample[];
  intervalMs: number;
}

const RED = '#c0392b';
const BLUE = '#2b5797';
const GREY = '#4a5568';

const BACKLOG_LABELS: Record<BacklogName, [label: string, color: string]> = {
  outboxReady: ['Outbox, ready to publish', GREY],
  oldestUnpublishedSeconds: ['Oldest unpublished message (s)', GREY],
  parked: ['Parked messages', RED],
  onLadder: ['On the retry ladder', GREY],
  notificationsPending: ['Notifications pending', GREY],
  notificationsExhausted: ['Notifications exhausted', RED],
  blockedKeys: ['Blocked ordering keys', RED],
};

const COLUMN_LABELS = { applied: 'applied', duplicate: 'duplicates', retried: 'retried', parked: 'parked' };

/** A number as read at a glance: whole from 10 up, one decimal below. */
const short = (n: number) => String(n >= 10 ? Math.round(n) : Math.round(n * 10) / 10);

/** A stretch of time as an operator says it. */
const span = (ms: number) =>
  ms < 1000 ? `${Math.round(ms)} ms` : ms < 90_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`;

/** A graph and the peak that is its top, since every graph has a scale of its own. */
function graph(values: (number | null)[], title: string, color: string, unit = ''): string {
  const peak = Math.max(0, ...values.filter((v): v is number => v !== null));
  return `${sparkline(values, { title, color })} <span class="muted">peak ${short(peak)}${unit}</span>`;
}

function consumerRow(t: ConsumerTrend, window: string): string {
  const cells = RATE_COLUMNS.map((column) => {
    const now = t.perMinute[column] ?? 0;
    // Trouble shows in colour: retries waiting, parked messages red.
    const tone = now > 0 && column === 'parked' ? ' PARKED' : now > 0 && column === 'retried' ? ' WAITING' : '';
    return `<td class="${column}${tone}"><strong>${short(now)}</strong>/min<br><span class="muted"><span class="total">${t.total[column]}</span> in ${window}</span></td>`;
  }).join('');
  return `<tr class="consumer" data-consumer="${e(t.consumer)}"><td>${e(t.consumer)}</td>${cells}
<td style="white-space:nowrap">${graph(t.applied, `${t.consumer}: applied per minute, last ${window}`, BLUE, '/min')}</td>
<td style="white-space:nowrap">${graph(t.failed, `${t.consumer}: retried and parked per minute, last ${window}`, RED, '/min')}</td></tr>`;
}

/**
 * This instance's consumers: per minute over the last minute, the counts over the samples kept,
 * and their graphs. Counters are per process, so the page says whose they are.
 */
export function consumerTable(history: History): string {
  const { samples, intervalMs } = history;
  const every = `sampled every ${span(intervalMs)}`;
  const title = '<h2>Consumers, on this instance</h2>';
  if (samples.length < 2) {
    return `${title}<p class="muted" id="rates-scope">Rates and graphs begin with the second sample (${every}).</p>`;
  }
  const windowMs = samples[samples.length - 1].at - samples[0].at;
  const window = span(windowMs);
  const since =
    samples.length < SAMPLES_KEPT ? `since this instance started, ${window} ago` : `over the last ${window}`;
  const scope = `<p class="muted" id="rates-scope">Deliveries this instance handled ${since} (each instance counts its own; ${every}); a rate is per minute over the last minute. The backlogs below are the database's, the same on every instance.</p>`;
  const trends = consumerTrends(samples);
  if (trends.length === 0) return `${title}${scope}<p class="muted">No delivery handled here yet.</p>`;
  const head = RATE_COLUMNS.map((column) => `<th>${COLUMN_LABELS[column]} /min</th>`).join('');
  return `${title}${scope}<table id="consumers"><tr><th>consumer</th>${head}<th>applied, last ${window}</th><th>retried + parked, last ${window}</th></tr>
${trends.map((t) => consumerRow(t, window)).join('\n')}</table>`;
}

/** The database's backlogs now, each with its graph over the samples kept. */
export function backlogTable(history: History, now: Backlogs): string {
  const { samples } = history;
  const window = samples.length > 1 ? `last ${span(samples[samples.length - 1].at - samples[0].at)}` : 'so far';
  const rows = BACKLOG_NAMES.map((name) => {
    const [label, color] = BACKLOG_LABELS[name];
    const value = now[name];
    const shown = value === null ? '<span class="error">unknown</span>' : e(short(value));
    return `<tr data-backlog="${name}"><td>${e(label)}</td><td><strong>${shown}</strong></td><td style="white-space:nowrap">${graph(backlogSeries(samples, name), `${label}, ${window}`, color)}</td></tr>`;
  }).join('\n');
  return `<h2>Backlogs, in the database</h2><table id="backlogs" style="width:auto"><tr><th>what</th><th>now</th><th>${e(window)}</th></tr>
${rows}</table>`;
}
