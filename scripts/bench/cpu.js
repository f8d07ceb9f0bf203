'use strict';
// Where a transfer's CPU goes: CPU time of each process of a phase (the services, MariaDB,
// RabbitMQ, the bench process with its load generator) read from Linux /proc before and after,
// divided by the transfers, and the machine's idle and steal time over the phase. A process not
// found on this host (a remote database, say) is left out.
const fs = require('node:fs');

const TICKS_PER_SECOND = 100; // USER_HZ, the unit of /proc/<pid>/stat and /proc/stat on Linux

const read = (file) => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

/** utime + stime of a process in ms, or undefined when it is gone. */
function processCpuMs(pid) {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' '); // fields[0] is field 3, "state"
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

/** The machine's jiffies: total, idle (+ iowait) and steal. */
function machineTicks() {
  const [, ...values] = (read('/proc/stat') ?? 'cpu 0').split('\n')[0].trim().split(/\s+/);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = values.map(Number);
  return { total: user + nice + system + idle + iowait + irq + softirq + steal, idle: idle + iowait, steal };
}

/** The local MariaDB (or MySQL) server and RabbitMQ node, by process name; {} off Linux. */
function findServers() {
  const found = {};
  const entries = fs.existsSync('/proc') ? fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e)) : [];
  for (const pid of entries) {
    const comm = read(`/proc/${pid}/comm`)?.trim();
    if (!found.MariaDB && (comm === 'mariadbd' || comm === 'mysqld')) found.MariaDB = Number(pid);
    if (!found.RabbitMQ && comm === 'beam.smp' && read(`/proc/${pid}/cmdline`)?.includes('rabbit'))
      found.RabbitMQ = Number(pid);
  }
  return found;
}

/**
 * Starts counting for `processes` ({ name: pid }); `stop(transfers)` returns the CPU ms per
 * transfer of each, their sum, and the machine's idle and steal share (%) over the phase.
 */
function cpuMeter(processes) {
  const start = Object.fromEntries(Object.entries(processes).map(([name, pid]) => [name, processCpuMs(pid)]));
  const machine = machineTicks();
  return {
    stop(transfers) {
      const perTransfer = {};
      for (const [name, pid] of Object.entries(processes)) {
        const now = processCpuMs(pid);
        if (now !== undefined && start[name] !== undefined) perTransfer[name] = (now - start[name]) / transfers;
      }
      const end = machineTicks();
      const total = end.total - machine.total || 1;
      return {
        msPerTransfer: perTransfer,
        totalMsPerTransfer: Object.values(perTransfer).reduce((a, b) => a + b, 0),
        idlePct: (100 * (end.idle - machine.idle)) / total,
        stealPct: (100 * (end.steal - machine.steal)) / total,
      };
    },
  };
}

module.exports = { cpuMeter, findServers };
