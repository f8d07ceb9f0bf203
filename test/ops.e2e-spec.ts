import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { TxMsgMetrics } from '../libs/txmsg/src/metrics/txmsg-metrics';
import type { ResolvedTxMsgOptions } from '../libs/txmsg/src/txmsg.options';

// The alert rules and the dashboard in ops/: valid for Prometheus, their unit tests pass, and
// every metric they name is one the library registers — a rename must not silence an alert.
const ops = join(__dirname, '..', 'ops');
const rules = join(ops, 'prometheus', 'txmsg-alerts.yml');
const ruleTests = join(ops, 'prometheus', 'txmsg-alerts.test.yml');
const dashboard = join(ops, 'grafana', 'txmsg-dashboard.json');

const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
const promtoolMissing = promtool.error
  ? `promtool is not installed (${promtool.error.message}); install Debian's prometheus package (.ci/run does)`
  : undefined;
if (promtoolMissing) console.warn(`SKIPPING the promtool checks of ops/prometheus: ${promtoolMissing}`);
const withPromtool = promtoolMissing ? it.skip : it;

const run = (...args: string[]) => spawnSync('promtool', args, { encoding: 'utf8', cwd: join(ops, 'prometheus') });

describe('ops/: alert rules and dashboard', () => {
  withPromtool('promtool check rules accepts the alert rules', () => {
    const result = run('check', 'rules', rules);
    expect(`${result.stdout}${result.stderr}`).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  withPromtool('promtool test rules passes the alerts’ unit tests', () => {
    const result = run('test', 'rules', ruleTests);
    expect({ status: result.status, output: `${result.stdout}${result.stderr}` }).toEqual({
      status: 0,
      output: expect.stringContaining('SUCCESS'),
    });
  });

  it('names only metrics the library registers, in the rules and in the dashboard', () => {
    const registered = registeredNames();
    const rulesText = readFileSync(rules, 'utf8');
    const board = JSON.parse(readFileSync(dashboard, 'utf8'));
    const exprs = [...JSON.stringify(board).matchAll(/"(?:expr|query|definition)":"((?:[^"\\]|\\.)*)"/g)].map(
      (m) => m[1],
    );
    for (const [where, text] of [
      ['txmsg-alerts.yml', rulesText],
      ['txmsg-dashboard.json', exprs.join('\n')],
    ]) {
      const used = new Set([...text.matchAll(/\btxmsg_[a-z_]+\b/g)].map((m) => m[0]));
      expect(used.size).toBeGreaterThan(5);
      expect({ where, unknown: [...used].filter((name) => !registered.has(name)) }).toEqual({ where, unknown: [] });
    }
  });

  it('alerts on what pages someone', () => {
    const alerts = [...readFileSync(rules, 'utf8').matchAll(/- alert: (\w+)/g)].map((m) => m[1]);
    expect(alerts).toEqual(
      expect.arrayContaining([
        'TxMsgOutboxStalled',
        'TxMsgParkedGrowing',
        'TxMsgRelayPublishFailing',
        'TxMsgConsumerRetriesClimbing',
        'TxMsgNotificationsExhausted',
        'TxMsgMetricsUnknown',
        'TxMsgMetricsQueryErrors',
      ]),
    );
  });
});

/** Every series name the library's registry can serve (histograms with their suffixes). */
function registeredNames(): Set<string> {
  const options = { service: 'ops-test', metrics: false } as unknown as ResolvedTxMsgOptions;
  const metrics = new TxMsgMetrics({} as DataSource, options);
  const names = new Set<string>();
  for (const metric of metrics.registry.getMetricsAsArray()) {
    const { name, type } = metric as unknown as { name: string; type: string };
    names.add(name);
    if (type === 'histogram') for (const suffix of ['_bucket', '_count', '_sum']) names.add(`${name}${suffix}`);
  }
  return names;
}
