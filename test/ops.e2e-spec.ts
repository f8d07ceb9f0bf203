import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { TxMsgMetrics } from '../libs/txmsg/src/metrics/txmsg-metrics';
import { FailureStore } from '../libs/txmsg/src/store/failure-store';
import { NotificationStore } from '../libs/txmsg/src/store/notification-store';
import { OrderingStore } from '../libs/txmsg/src/store/ordering-store';
import { OutboxStore } from '../libs/txmsg/src/store/outbox-store';
import { MYSQL } from '../libs/txmsg/src/store/sql-dialect';
import type { StoreDatabase } from '../libs/txmsg/src/store/store-database';
import type { ResolvedTxMsgOptions } from '../libs/txmsg/src/txmsg.options';
import { ALERT_RULE_TESTS, ALERT_RULES, metricsUsedInOps, seriesNamesOf } from './support/ops-files';

// The alert rules and the dashboard in ops/: valid for Prometheus, their unit tests pass, and
// every metric they name is one the library registers — a rename must not silence an alert.
// (test/api-docs.e2e-spec.ts checks the same names against the running services' /metrics.)
const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
const promtoolMissing = promtool.error
  ? `promtool is not installed (${promtool.error.message}); install Debian's prometheus package (.ci/run does)`
  : undefined;
if (promtoolMissing) console.warn(`SKIPPING the promtool checks of ops/prometheus: ${promtoolMissing}`);
const withPromtool = promtoolMissing ? it.skip : it;

const run = (...args: string[]) => spawnSync('promtool', args, { encoding: 'utf8', cwd: dirname(ALERT_RULES) });

describe('ops/: alert rules and dashboard', () => {
  withPromtool('promtool check rules accepts the alert rules', () => {
    const result = run('check', 'rules', ALERT_RULES);
    expect(`${result.stdout}${result.stderr}`).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  withPromtool('promtool test rules passes the alerts’ unit tests', () => {
    const result = run('test', 'rules', ALERT_RULE_TESTS);
    expect({ status: result.status, output: `${result.stdout}${result.stderr}` }).toEqual({
      status: 0,
      output: expect.stringContaining('SUCCESS'),
    });
  });

  it('names only metrics the library registers, in the rules and in the dashboard', async () => {
    const options = { service: 'ops-test', metrics: false } as unknown as ResolvedTxMsgOptions;
    // Declared metrics only: nothing here is collected, so no database is asked.
    const db = { dialect: MYSQL, dataSource: {} } as StoreDatabase;
    const declared = new TxMsgMetrics(
      db,
      new OutboxStore(db),
      new FailureStore(db),
      new NotificationStore(db),
      new OrderingStore(db),
      options,
    ).registry.getMetricsAsArray();
    const registered = seriesNamesOf(
      declared.map((m) => `# TYPE ${(m as unknown as { name: string; type: string }).name} ${m.type}`).join('\n'),
    );
    for (const { where, names } of metricsUsedInOps()) {
      expect(names.length).toBeGreaterThan(5);
      expect({ where, unknown: names.filter((name) => !registered.has(name)) }).toEqual({ where, unknown: [] });
    }
  });

  it('alerts on what pages someone', () => {
    const alerts = [...readFileSync(ALERT_RULES, 'utf8').matchAll(/- alert: (\w+)/g)].map((m) => m[1]);
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
