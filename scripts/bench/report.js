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

function throughputTable(results) {
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
    ]);
    rows.push([
      label,
      'naive in-process (mysql2 + amqplib)',
      r.naive.transfers,
      fmt(r.naive.seconds, 2),
      fmt(r.naive.perSecond),
      '',
    ]);
    rows.push([
      label,
      "reliable floor in-process (txmsg's SQL + messages)",
      r.floor.transfers,
      fmt(r.floor.seconds, 2),
      fmt(r.floor.perSecond),
      '',
    ]);
    const s = r.naiveService;
    rows.push([
      label,
      'naive Nest services (POST → credited)',
      s.transfers,
      fmt(s.seconds, 2),
      fmt(s.perSecond),
      `accepted ${fmt(s.acceptedPerSecond)}/s`,
    ]);
    rows.push([
      label,
      'txmsg e2e (POST → credited)',
      r.reliable.transfers,
      fmt(r.reliable.seconds, 2),
      fmt(r.reliable.perSecond),
      `accepted ${fmt(r.reliable.acceptedPerSecond)}/s`,
    ]);
  }
  return table(['workload', 'path', 'transfers', 'seconds', 'transfers/s', 'commits/s / note'], rows);
}

const PATHS = [
  ['raw', 'raw DB'],
  ['naive', 'naive in-process'],
  ['floor', 'reliable floor in-process'],
  ['naiveService', 'naive Nest services'],
  ['reliable', 'txmsg e2e'],
];
const PROCESSES = ['bank1', 'bank2', 'MariaDB', 'RabbitMQ', 'bench'];

/**
 * CPU ms per transfer of each process, by phase ("latency": at the fixed rate); "bench" is this
 * process (load, in-process paths).
 */
function cpuTable(results) {
  const rows = [];
  for (const workload of ['many', 'hot', 'latency']) {
    for (const [key, label] of PATHS) {
      const cpu = results[workload][key]?.cpu;
      if (!cpu) continue;
      rows.push([
        `${workload}: ${label}`,
        ...PROCESSES.map((name) => fmt(cpu.msPerTransfer[name], 2)),
        fmt(cpu.totalMsPerTransfer, 2),
        fmt(cpu.idlePct),
        fmt(cpu.stealPct),
      ]);
    }
  }
  return table(['CPU ms per transfer', ...PROCESSES, 'total', 'idle %', 'steal %'], rows);
}

function latencyTable(latency) {
  const row = (label, s) => [label, s.count, fmt(s.p50, 1), fmt(s.p95, 1), fmt(s.p99, 1), fmt(s.max, 1)];
  return table(
    ['at a fixed rate', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
    [
      row('txmsg: bank1 commit → bank2 commit', latency.reliable.commitToCredit),
      row('txmsg: POST /transfers response', latency.reliable.postResponse),
      row('naive services: commit → credit commit', latency.naiveService.commitToCredit),
      row('naive services: POST /transfers response', latency.naiveService.postResponse),
      row('naive in-process: commit → credit commit', latency.naive.commitToCredit),
    ],
  );
}

/** Each performance target with the measured value and whether it is met. */
function targets(results) {
  const checks = [];
  for (const workload of ['many', 'hot']) {
    const r = results[workload];
    const vsRaw = r.reliable.perSecond / (r.raw.commitsPerSecond / 2);
    checks.push({
      target: `${workload}: e2e ≥ 50% of raw commit rate ÷ 2`,
      value: `${fmt(vsRaw * 100)}%`,
      met: vsRaw >= 0.5,
    });
    const vsNaive = r.reliable.perSecond / r.naiveService.perSecond;
    checks.push({
      target: `${workload}: reliable ≥ 0.8 × naive services`,
      value: `${fmt(vsNaive, 2)}×`,
      met: vsNaive >= 0.8,
    });
    const vsBare = r.reliable.perSecond / r.naive.perSecond;
    checks.push({
      target: `${workload}: reliable ≥ 0.8 × naive in-process`,
      value: `${fmt(vsBare, 2)}×`,
      met: vsBare >= 0.8,
    });
  }
  const p99 = results.latency.reliable.commitToCredit.p99;
  checks.push({
    target: `p99 commit → credit ≤ 50 ms at ${results.config.latencyRate}/s`,
    value: `${fmt(p99, 1)} ms`,
    met: p99 <= 50,
  });
  for (const [service, mb] of Object.entries(results.rssPeakMb)) {
    checks.push({ target: `${service} RSS < 200 MB (peak)`, value: `${fmt(mb)} MB`, met: mb < 200 });
  }
  return checks;
}

/**
 * The raw-SQL target as a CPU budget: at the target rate, how much CPU per transfer the machine's
 * cores have for every process together, against what txmsg and the reliable floor (the same
 * traffic with no HTTP and no framework) used per transfer.
 */
function ceilings(results) {
  const servers = (cpu) => (cpu.msPerTransfer.MariaDB ?? NaN) + (cpu.msPerTransfer.RabbitMQ ?? NaN);
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

function ceilingText(rows, cores) {
  return rows
    .map((c) =>
      [
        `  ${c.workload}: the raw-SQL target is ${fmt(c.rawTarget)}/s; txmsg did ${fmt(c.reliable)}/s`,
        `    at ${fmt(c.rawTarget)}/s, ${cores} cores give every process together ${fmt(c.budgetMsPerTransfer, 2)} ms of CPU per transfer;`,
        `    txmsg used ${fmt(c.reliableMsPerTransfer, 2)} ms, the reliable floor (its statements and messages, no HTTP, no framework) ` +
          `${fmt(c.floorMsPerTransfer, 2)} ms, MariaDB + RabbitMQ alone ${fmt(c.floorServersMsPerTransfer, 2)} ms of that;`,
        `    the floor did ${fmt(c.floor)}/s, ${fmt((100 * c.floor) / c.rawTarget)}% of the target`,
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

module.exports = { throughputTable, cpuTable, latencyTable, targets, targetTable, ceilings, ceilingText, writeJson };
