'use strict';
// The printed table, the performance targets, and the JSON record.
const fs = require('node:fs');
const path = require('node:path');

const fmt = (value, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : '-');

function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) =>
    '  ' + cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The engine the run measured: { name, label ('MariaDB' or 'PostgreSQL'), driver ('mysql2' or 'pg') }. */
const databaseOf = (results) => results.config.database ?? { name: 'mysql', label: 'MariaDB', driver: 'mysql2' };

/** A phase's deadlocks as counted by the server, or '-' where they were not. */
const deadlocksOf = (r) => (Number.isFinite(r?.deadlocks) ? String(r.deadlocks) : '-');

function throughputTable(results) {
  const { driver } = databaseOf(results);
  const rows = [];
  for (const workload of ['many', 'hot']) {
    const r = results[workload];
    const label = workload === 'many' ? 'many accounts' : 'hot account 1';
    rows.push([
      label,
      'raw DB, 2 tx per transfer',
      r.raw.transfers,
      fmt(r.raw.seconds, 2),
      fmt(r.raw.perSecond),
      fmt(r.raw.commitsPerSecond),
      deadlocksOf(r.raw),
    ]);
    rows.push([
      label,
      `naive in-process (${driver} + amqplib)`,
      r.naive.transfers,
      fmt(r.naive.seconds, 2),
      fmt(r.naive.perSecond),
      '',
      deadlocksOf(r.naive),
    ]);
    rows.push([
      label,
      "reliable floor in-process (txmsg's SQL + messages)",
      r.floor.transfers,
      fmt(r.floor.seconds, 2),
      fmt(r.floor.perSecond),
      '',
      deadlocksOf(r.floor),
    ]);
    const s = r.naiveService;
    rows.push([
      label,
      'naive Nest services (POST → credited)',
      s.transfers,
      fmt(s.seconds, 2),
      fmt(s.perSecond),
      `accepted ${fmt(s.acceptedPerSecond)}/s`,
      deadlocksOf(s),
    ]);
    rows.push([
      label,
      'txmsg e2e (POST → credited)',
      r.reliable.transfers,
      fmt(r.reliable.seconds, 2),
      fmt(r.reliable.perSecond),
      `accepted ${fmt(r.reliable.acceptedPerSecond)}/s`,
      deadlocksOf(r.reliable),
    ]);
  }
  return table(['workload', 'path', 'transfers', 'seconds', 'transfers/s', 'commits/s / note', 'deadlocks'], rows);
}

const PATHS = [
  ['raw', 'raw DB'],
  ['naive', 'naive in-process'],
  ['floor', 'reliable floor in-process'],
  ['naiveService', 'naive Nest services'],
  ['reliable', 'txmsg e2e'],
];
const DRAINS = [
  ['relay', 'raw', 'relay drain: raw amqplib, confirms'],
  ['relay', 'reliable', "relay drain: txmsg bank1's relay"],
  ['consumer', 'floor', 'consumer drain: reliable floor'],
  ['consumer', 'reliable', 'consumer drain: txmsg bank2'],
  ['relay', 'ordered', "relay drain: txmsg bank1's relay, ordering keys"],
  ['consumer', 'ordered', 'consumer drain: txmsg bank2, ordered'],
];
/** The processes of the CPU table, the database server under its engine's name. */
const processesOf = (results) => ['bank1', 'bank2', databaseOf(results).label, 'RabbitMQ', 'bench'];

/** Every measured phase that recorded CPU figures, in print order: [label, cpu]. */
function cpuPhases(results) {
  const phases = [];
  for (const workload of ['many', 'hot', 'latency']) {
    const measured = results[workload] ?? {};
    const known = PATHS.map(([key]) => key);
    const keys = [...known, ...Object.keys(measured).filter((key) => !known.includes(key))];
    for (const key of keys) {
      const cpu = measured[key]?.cpu;
      if (cpu) phases.push([`${workload}: ${PATHS.find(([k]) => k === key)?.[1] ?? key}`, cpu]);
    }
  }
  for (const [drain, key, label] of DRAINS) {
    const cpu = results.drain?.[drain]?.[key]?.cpu;
    if (cpu) phases.push([label, cpu]);
  }
  return phases;
}

/**
 * CPU ms per transfer (per message for the drains) of each process, by phase ("latency": at the
 * fixed rate); "bench" is this process (load, in-process paths). Rows come from whatever phases
 * the results hold, so a phase renamed or added cannot leave the table empty.
 */
function cpuTable(results) {
  const phases = cpuPhases(results);
  if (phases.length === 0) return '  (no CPU figures were recorded)';
  const processes = processesOf(results);
  const rows = phases.map(([label, cpu]) => [
    label,
    ...processes.map((name) => fmt(cpu.msPerTransfer?.[name], 2)),
    fmt(cpu.totalMsPerTransfer, 2),
    fmt(cpu.idlePct),
    fmt(cpu.stealPct),
  ]);
  return table(['CPU ms per transfer / message', ...processes, 'total', 'idle %', 'steal %'], rows);
}

/** The backlog drains: messages/s from the first message done to the last, and the ratios. */
function drainTable(drain) {
  const rows = DRAINS.filter(([d, key]) => drain[d]?.[key]).map(([d, key, label]) => {
    const r = drain[d][key];
    return [label, r.messages, fmt(r.seconds, 2), fmt(r.perSecond), fmt(r.cpu?.totalMsPerTransfer, 2), deadlocksOf(r)];
  });
  return table(['backlog drain', 'messages', 'seconds', 'messages/s', 'CPU ms/message', 'deadlocks'], rows);
}

function latencyTable(latency) {
  // The deadlocks of the phase, on its first row.
  const row = (label, s, phase) => [
    ...[label, s.count, fmt(s.p50, 1), fmt(s.p95, 1), fmt(s.p99, 1), fmt(s.max, 1)],
    phase ? deadlocksOf(phase) : '',
  ];
  return table(
    ['at a fixed rate', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'deadlocks'],
    [
      row('txmsg: bank1 commit → bank2 commit', latency.reliable.commitToCredit, latency.reliable),
      row('txmsg: POST /transfers response', latency.reliable.postResponse),
      row('naive services: commit → credit commit', latency.naiveService.commitToCredit, latency.naiveService),
      row('naive services: POST /transfers response', latency.naiveService.postResponse),
      row('naive in-process: commit → credit commit', latency.naive.commitToCredit, latency.naive),
    ],
  );
}

/** Most RSS a txmsg service may reach (MB), the heap cap the services run with plus their code. */
const RSS_LIMIT_MB = 160;

/** Each performance target with the measured value and whether it is met. */
function targets(results) {
  const checks = [];
  const ratio = (target, a, b, min) => {
    const value = a / b;
    checks.push({ target, value: `${fmt(value, 2)}×`, ratio: value, met: value >= min });
  };
  const floorShare = { many: 0.85, hot: 0.8 };
  for (const workload of ['many', 'hot']) {
    const r = results[workload];
    ratio(
      `${workload}: txmsg ≥ ${floorShare[workload]} × reliable floor`,
      r.reliable.perSecond,
      r.floor.perSecond,
      floorShare[workload],
    );
    ratio(`${workload}: txmsg ≥ 1.0 × naive services`, r.reliable.perSecond, r.naiveService.perSecond, 1);
  }
  if (results.drain) {
    const { relay, consumer } = results.drain;
    ratio('relay drain ≥ 0.8 × raw confirmed publishing', relay.reliable.perSecond, relay.raw.perSecond, 0.8);
    ratio('consumer drain ≥ 0.7 × reliable floor consumer', consumer.reliable.perSecond, consumer.floor.perSecond, 0.7);
    if (consumer.ordered) {
      ratio('ordered consumer drain ≥ 0.7 × unordered', consumer.ordered.perSecond, consumer.reliable.perSecond, 0.7);
      const { check } = consumer.ordered;
      checks.push({
        target: `ordered drain: every transfer applied once, ${check.keysChecked} keys in sequence order`,
        value: `${check.applied}/${check.expected} applied, ${fmt(check.creditedCents / 100, 2)} of ${fmt(check.expectedCents / 100, 2)} credited, ${check.outOfOrder.length} keys out of order, ${check.cursorsBehind} of ${check.keys} cursors behind`,
        met: check.ok,
      });
    }
  }
  const p99 = results.latency.reliable.commitToCredit.p99;
  const naiveP99 = results.latency.naiveService.commitToCredit.p99;
  checks.push({
    target: `p99 commit → credit at ${results.config.latencyRate}/s ≤ naive services p99 + 5 ms (${fmt(naiveP99 + 5, 1)})`,
    value: `${fmt(p99, 1)} ms`,
    met: p99 <= naiveP99 + 5,
  });
  const peaks = { ...results.rssPeakMb };
  if (results.drain) {
    const { relay, consumer } = results.drain;
    const peakOf = (...drains) => Math.max(...drains.map((drain) => drain?.rssPeakMb ?? 0));
    peaks.bank1 = Math.max(peaks.bank1 ?? 0, peakOf(relay.reliable, relay.ordered));
    peaks.bank2 = Math.max(peaks.bank2 ?? 0, peakOf(consumer.reliable, consumer.ordered));
  }
  for (const [service, mb] of Object.entries(peaks)) {
    checks.push({
      target: `${service} RSS ≤ ${RSS_LIMIT_MB} MB (peak, drains included)`,
      value: `${fmt(mb)} MB`,
      met: mb <= RSS_LIMIT_MB,
    });
  }
  return checks;
}

/**
 * Half the raw-SQL rate as a CPU budget: at that rate, how much CPU per transfer the machine's
 * cores have for every process together, against what txmsg and the reliable floor (the same
 * traffic with no HTTP and no framework) used per transfer.
 */
function ceilings(results) {
  const { label } = databaseOf(results);
  const servers = (cpu) => (cpu.msPerTransfer[label] ?? NaN) + (cpu.msPerTransfer.RabbitMQ ?? NaN);
  return ['many', 'hot'].map((workload) => {
    const r = results[workload];
    const target = 0.5 * (r.raw.commitsPerSecond / 2);
    return {
      workload,
      rawTarget: target,
      budgetMsPerTransfer: (results.config.cores * 1000) / target,
      reliable: r.reliable.perSecond,
      reliableMsPerTransfer: r.reliable.cpu.totalMsPerTransfer,
      floor: r.floor.perSecond,
      floorMsPerTransfer: r.floor.cpu.totalMsPerTransfer,
      floorServersMsPerTransfer: servers(r.floor.cpu),
    };
  });
}

function ceilingText(rows, cores, database = 'MariaDB') {
  return rows
    .map((c) =>
      [
        `  ${c.workload}: half the raw-SQL rate is ${fmt(c.rawTarget)}/s; txmsg did ${fmt(c.reliable)}/s`,
        `    at ${fmt(c.rawTarget)}/s, ${cores} cores give every process together ${fmt(c.budgetMsPerTransfer, 2)} ms of CPU per transfer;`,
        `    txmsg used ${fmt(c.reliableMsPerTransfer, 2)} ms, the reliable floor (its statements and messages, no HTTP, no framework) ` +
          `${fmt(c.floorMsPerTransfer, 2)} ms, ${database} + RabbitMQ alone ${fmt(c.floorServersMsPerTransfer, 2)} ms of that;`,
        `    the floor did ${fmt(c.floor)}/s, ${fmt((100 * c.floor) / c.rawTarget)}% of that rate`,
      ].join('\n'),
    )
    .join('\n');
}

function targetTable(checks) {
  return table(
    ['target', 'measured', ''],
    checks.map((c) => [c.target, c.value, c.met ? 'met' : 'MISSED']),
  );
}

function writeJson(root, results) {
  const dir = path.join(root, 'bench-results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${results.startedAt.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify(results, null, 2));
  return file;
}

module.exports = {
  throughputTable,
  cpuTable,
  drainTable,
  latencyTable,
  targets,
  targetTable,
  ceilings,
  ceilingText,
  writeJson,
};
