'use strict';
// Where a transfer's CPU goes: CPU time of each process of a phase (the services, the database
// server, RabbitMQ, the bench process with its load generator) read from Linux /proc before and
// after, divided by the transfers, and the machine's idle and steal time over the phase. A
// process not found on this host (a remote database, say) is left out. PostgreSQL runs a process
// per connection: its figure is the whole server's (postmaster, its background processes, every
// backend, and those that ended during the phase).
const fs = require('node:fs');

const TICKS_PER_SECOND = 100; // USER_HZ, the unit of /proc/<pid>/stat and /proc/stat on Linux

const read = (file) => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

/** The fields of /proc/<pid>/stat from field 3 ("state") on, or undefined when the process is gone. */
function statFields(pid) {
  const stat = read(`/proc/${pid}/stat`);
  return stat?.slice(stat.lastIndexOf(') ') + 2).split(' ');
}

const ticksToMs = (ticks) => (ticks * 1000) / TICKS_PER_SECOND;

/** utime + stime of a process in ms, or undefined when it is gone. */
function processCpuMs(pid) {
  const fields = statFields(pid);
  return fields && ticksToMs(Number(fields[11]) + Number(fields[12]));
}

const processIds = () => (fs.existsSync('/proc') ? fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e)) : []);

/**
 * CPU ms of a process and all its children so far: its own utime + stime, those of the children
 * it has reaped (cutime + cstime, where an ended PostgreSQL backend's time goes), and those of its
 * live children. Differences of two readings count a child that started or ended in between.
 */
function treeCpuMs(parent) {
  const own = statFields(parent);
  if (!own) return undefined;
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
  const ppid = String(parent);
  for (const pid of processIds()) {
    const fields = pid === ppid ? undefined : statFields(pid);
    if (fields?.[1] === ppid) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticksToMs(ticks);
}

/** The machine's jiffies: total, idle (+ iowait) and steal. */
function machineTicks() {
  const [, ...values] = (read('/proc/stat') ?? 'cpu 0').split('\n')[0].trim().split(/\s+/);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = values.map(Number);
  return { total: user + nice + system + idle + iowait + irq + softirq + steal, idle: idle + iowait, steal };
}

/**
 * The local database server of `engine` ('mysql': MariaDB or MySQL, under the name MariaDB;
 * 'postgres': the PostgreSQL postmaster, its whole process tree measured) and RabbitMQ node, by
 * process name: { name: pid }, or { name: () => ms } for a tree; {} off Linux.
 */
function findServers(engine = 'mysql') {
  const found = {};
  for (const pid of processIds()) {
    const comm = read(`/proc/${pid}/comm`)?.trim();
    if (engine === 'mysql' && !found.MariaDB && (comm === 'mariadbd' || comm === 'mysqld')) found.MariaDB = Number(pid);
    // The postmaster is the postgres process whose parent is not one.
    if (engine === 'postgres' && !found.PostgreSQL && comm === 'postgres') {
      const parent = statFields(pid)?.[1];
      if (parent && read(`/proc/${parent}/comm`)?.trim() !== 'postgres') found.PostgreSQL = () => treeCpuMs(pid);
    }
    if (!found.RabbitMQ && comm === 'beam.smp' && read(`/proc/${pid}/cmdline`)?.includes('rabbit'))
      found.RabbitMQ = Number(pid);
  }
  return found;
}

/** CPU ms so far of a process (pid) or of whatever a probe function measures. */
const cpuMsOf = (probe) => (typeof probe === 'function' ? probe() : processCpuMs(probe));

/**
 * Starts counting for `processes` ({ name: pid or probe }); `stop(transfers)` returns the CPU ms
 * per transfer of each, their sum, and the machine's idle and steal share (%) over the phase.
 */
function cpuMeter(processes) {
  const start = Object.fromEntries(Object.entries(processes).map(([name, probe]) => [name, cpuMsOf(probe)]));
  const machine = machineTicks();
  return {
    stop(transfers) {
      const perTransfer = {};
      for (const [name, probe] of Object.entries(processes)) {
        const now = cpuMsOf(probe);
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
