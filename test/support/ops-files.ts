import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The repository's ops/ directory: alert rules and their unit tests, the Grafana dashboard. */
export const OPS = join(__dirname, '..', '..', 'ops');
export const ALERT_RULES = join(OPS, 'prometheus', 'txmsg-alerts.yml');
export const ALERT_RULE_TESTS = join(OPS, 'prometheus', 'txmsg-alerts.test.yml');
export const DASHBOARD = join(OPS, 'grafana', 'txmsg-dashboard.json');

/** The `txmsg_` metric names the alert rules and the dashboard's queries use, by file. */
export function metricsUsedInOps(): { where: string; names: string[] }[] {
  const board = JSON.parse(readFileSync(DASHBOARD, 'utf8'));
  const queries = [...JSON.stringify(board).matchAll(/"(?:expr|query|definition)":"((?:[^"\\]|\\.)*)"/g)];
  const names = (text: string) => [...new Set([...text.matchAll(/\btxmsg_[a-z_]+\b/g)].map((m) => m[0]))];
  return [
    { where: 'txmsg-alerts.yml', names: names(readFileSync(ALERT_RULES, 'utf8')) },
    { where: 'txmsg-dashboard.json', names: names(queries.map((m) => m[1]).join('\n')) },
  ];
}

/** The series names a Prometheus text scrape can hold: each `# TYPE`, histograms with their suffixes. */
export function seriesNamesOf(scrape: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of scrape.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name);
    if (type === 'histogram') for (const suffix of ['_bucket', '_count', '_sum']) names.add(`${name}${suffix}`);
  }
  return names;
}
