import { waitFor } from '@txmsg/nestjs/testing';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BrokerTarget } from './broker-target';
import { freePort } from './free-port';
import { QUEUE_DEPTH_COLUMNS, type QueueDepth, queueDepthsOf } from './servers';

const run = promisify(execFile);

/**
 * The RabbitMQ scripts run directly rather than through the /usr/sbin wrappers, which switch to the
 * rabbitmq user and so to the machine broker's home and cookie. RABBITMQ_SCRIPTS overrides the place.
 */
const SCRIPTS = process.env.RABBITMQ_SCRIPTS ?? scriptsDir();
/** Every cluster directory starts with this, so one a crashed test run left behind can be found. */
const DIR_PREFIX = 'txmsg-rabbit-cluster-';
const NODE_START_DEADLINE_MS = 90_000;

/** One node of a {@link RabbitCluster}. */
export interface ClusterNode {
  /** `rabbitN_<tag>@localhost`: unique per cluster, so test runs on one machine never meet. */
  name: string;
  port: number;
  distPort: number;
  dir: string;
}

/**
 * A throw-away RabbitMQ cluster of its own, beside the machine's broker and never touching it: its
 * nodes have their own names, loopback ports, Erlang cookie (a HOME of their own), data and logs,
 * all in one temporary directory that {@link destroy} removes. A run that crashed before that is
 * cleaned up by the next one (its nodes killed by their pid files). No plugins: vhosts and queue
 * figures go through `rabbitmqctl -n`.
 */
export class RabbitCluster implements BrokerTarget {
  private readonly started = new Set<ClusterNode>();
  private forgetExitHook: () => void = () => undefined;

  private constructor(
    readonly dir: string,
    readonly nodes: ClusterNode[],
  ) {}

  /** Starts `size` nodes at once and joins the others to the first; returns once all run clustered. */
  static async start(size = 3): Promise<RabbitCluster> {
    removeOrphans();
    const dir = mkdtempSync(join(tmpdir(), DIR_PREFIX));
    writeFileSync(join(dir, 'owner.pid'), String(process.pid));
    mkdirSync(join(dir, 'home'));
    writeFileSync(join(dir, 'home', '.erlang.cookie'), randomBytes(20).toString('hex'), { mode: 0o400 });
    writeFileSync(join(dir, 'plugins'), '[].\n');
    writeFileSync(join(dir, 'env.conf'), '');
    const tag = randomBytes(3).toString('hex');
    const nodes: ClusterNode[] = [];
    for (let i = 1; i <= size; i++) {
      const node = {
        name: `rabbit${i}_${tag}@localhost`,
        port: await freePort(),
        distPort: 0,
        dir: join(dir, `n${i}`),
      };
      node.distPort = await freePort();
      mkdirSync(node.dir);
      writeFileSync(join(node.dir, 'rabbitmq.conf'), `listeners.tcp.local = 127.0.0.1:${node.port}\n`);
      nodes.push(node);
    }
    const cluster = new RabbitCluster(dir, nodes);
    // A test process that exits without destroy() (a crash, Jest's forced exit) takes its nodes along.
    const onExit = () => cluster.killAll();
    process.once('exit', onExit);
    cluster.forgetExitHook = () => process.off('exit', onExit);
    try {
      await Promise.all(nodes.map((node) => cluster.startNode(node)));
      for (const node of nodes.slice(1)) {
        await cluster.ctl(node, 'stop_app');
        await cluster.ctl(node, 'join_cluster', nodes[0].name);
        await cluster.ctl(node, 'start_app');
      }
      return cluster;
    } catch (error) {
      await cluster.destroy();
      throw error;
    }
  }

  /** Every node's AMQP address for `vhost`, comma-separated, as RABBITMQ_URL takes them. */
  url(vhost: string): string {
    return this.nodes.map((node) => nodeUrl(node, vhost)).join(',');
  }

  /**
   * Starts a node (again) and waits until it takes AMQP connections, which it does last in its boot;
   * a stopped member rejoins its cluster by itself. Readiness is a TCP connect, not `rabbitmqctl`:
   * each CLI call boots an Erlang VM of its own, seconds on a busy machine.
   */
  async startNode(node: ClusterNode): Promise<void> {
    await run(join(SCRIPTS, 'rabbitmq-server'), ['-detached'], { env: this.nodeEnv(node), timeout: 30_000 });
    this.started.add(node);
    // Its pid file first, so even a test process that dies right now leaves nothing running.
    let pid: number | undefined;
    await waitFor(() => (pid = findNodePid(node.name)) !== undefined, {
      timeoutMs: 30_000,
      intervalMs: 100,
      description: `${node.name}'s process`,
    });
    writeFileSync(join(node.dir, 'pid'), String(pid));
    await waitFor(() => alive(pid!) && acceptsConnections(node.port), {
      timeoutMs: NODE_START_DEADLINE_MS,
      intervalMs: 200,
      description: `${node.name} taking AMQP connections on port ${node.port}`,
    });
  }

  /**
   * Stops a node the orderly way (`rabbitmqctl stop`) and waits until its VM has exited, so that a
   * start right after finds its ports free.
   */
  async stopNode(node: ClusterNode): Promise<void> {
    const pid = nodePid(node);
    await this.ctl(node, 'stop');
    await waitFor(() => !pid || !alive(pid), { timeoutMs: 30_000, description: `${node.name} exited` });
    this.started.delete(node);
    rmSync(join(node.dir, 'pid'), { force: true });
  }

  /** kill -9 of a node's VM; waits until the process is gone. */
  async killNode(node: ClusterNode): Promise<void> {
    const pid = nodePid(node);
    if (pid) killQuietly(pid);
    await waitFor(() => !pid || !alive(pid), { timeoutMs: 10_000, description: `${node.name} killed` });
    this.started.delete(node);
    rmSync(join(node.dir, 'pid'), { force: true });
  }

  /** The node an AMQP connection, queue leader or the like names. */
  node(name: string): ClusterNode {
    const node = this.nodes.find((n) => n.name === name);
    if (!node) throw new Error(`${name} is not a node of this cluster`);
    return node;
  }

  /** Whether a node was started and not stopped since. */
  running(node: ClusterNode): boolean {
    return this.started.has(node);
  }

  /** A node that runs, to send `rabbitmqctl` commands through. */
  anyRunning(): ClusterNode {
    const node = this.nodes.find((n) => this.started.has(n));
    if (!node) throw new Error('no node of the cluster runs');
    return node;
  }

  async addVhost(vhost: string): Promise<void> {
    await this.ctl(this.anyRunning(), 'add_vhost', vhost);
    await this.ctl(this.anyRunning(), 'set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*');
  }

  async deleteVhost(vhost: string): Promise<void> {
    await this.ctl(this.anyRunning(), 'delete_vhost', vhost).catch((error: Error) => {
      if (!/does not exist/.test(error.message)) throw error;
    });
  }

  async queueDepths(vhost: string): Promise<Record<string, QueueDepth>> {
    return queueDepthsOf(await this.table(vhost, 'list_queues', ...QUEUE_DEPTH_COLUMNS));
  }

  /** The node that leads quorum queue `queue` of `vhost` now. */
  async leaderOf(vhost: string, queue: string): Promise<ClusterNode> {
    const rows = await this.table(vhost, 'list_queues', 'name', 'leader');
    const row = rows.find(([name]) => name === queue);
    if (!row) throw new Error(`queue ${queue} not found in ${vhost}`);
    return this.node(row[1]);
  }

  /** The node holding the most client connections of `vhost` (services connect to the first live address). */
  async busiestNode(vhost: string): Promise<ClusterNode> {
    const rows = await this.table(vhost, 'list_connections', 'pid', 'vhost');
    const counts = new Map<string, number>();
    for (const [pid, connectionVhost] of rows) {
      const name = /^<(.+?)\.\d+\.\d+\.\d+>$/.exec(pid)?.[1];
      if (name && connectionVhost === vhost) counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    const [busiest] = [...counts.entries()].sort((a, b) => b[1] - a[1]);
    if (!busiest) throw new Error(`no connection to ${vhost}`);
    return this.node(busiest[0]);
  }

  /** `rabbitmqctl -n <node> …` with the cluster's own cookie. */
  async ctl(node: ClusterNode, ...args: string[]): Promise<string> {
    try {
      const { stdout } = await run(join(SCRIPTS, 'rabbitmqctl'), ['-n', node.name, ...args], {
        env: { ...process.env, HOME: join(this.dir, 'home') },
        timeout: 90_000,
      });
      return stdout;
    } catch (error) {
      const e = error as { stderr?: string; message: string };
      throw new Error(`rabbitmqctl -n ${node.name} ${args.join(' ')} failed: ${e.stderr?.trim() || e.message}`, {
        cause: error,
      });
    }
  }

  /** Kills every node and removes the directory, whatever state the cluster is in. */
  async destroy(): Promise<void> {
    this.killAll();
    this.forgetExitHook();
  }

  private killAll(): void {
    for (const node of this.nodes) {
      const pid = nodePid(node);
      if (pid) killQuietly(pid);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** A `rabbitmqctl list_…` of `vhost` as rows of words, e.g. `table('v', 'list_queues', 'name', 'type')`. */
  async table(vhost: string, ...args: string[]): Promise<string[][]> {
    const [command, ...items] = args;
    const out = await this.ctl(this.anyRunning(), '-q', command, '-p', vhost, ...items);
    return out
      .trim()
      .split('\n')
      .filter((line) => line && !new RegExp(`^${items[0]}\\s`).test(line))
      .map((line) => line.trim().split(/\s+/));
  }

  private nodeEnv(node: ClusterNode): NodeJS.ProcessEnv {
    return {
      ...process.env,
      HOME: join(this.dir, 'home'),
      RABBITMQ_NODENAME: node.name,
      RABBITMQ_NODE_PORT: String(node.port),
      RABBITMQ_DIST_PORT: String(node.distPort),
      RABBITMQ_MNESIA_BASE: join(node.dir, 'mnesia'),
      RABBITMQ_LOG_BASE: join(node.dir, 'log'),
      RABBITMQ_PID_FILE: join(node.dir, 'pid'),
      RABBITMQ_ENABLED_PLUGINS_FILE: join(this.dir, 'plugins'),
      // Not the machine's files: its config listens on 5672, its env file names its node.
      RABBITMQ_CONFIG_FILE: join(node.dir, 'rabbitmq.conf'),
      RABBITMQ_CONF_ENV_FILE: join(this.dir, 'env.conf'),
      ERL_FLAGS: '-kernel inet_dist_use_interface {127,0,0,1}',
    };
  }
}

/** Debian's and RPM's place, else the directory of the `rabbitmq-server` on PATH (a generic-unix install). */
function scriptsDir(): string {
  const packaged = '/usr/lib/rabbitmq/bin';
  if (existsSync(join(packaged, 'rabbitmq-server'))) return packaged;
  const onPath = (process.env.PATH ?? '').split(':').find((dir) => existsSync(join(dir, 'rabbitmq-server')));
  return onPath ?? packaged;
}

function nodeUrl(node: ClusterNode, vhost: string): string {
  return `amqp://guest:guest@127.0.0.1:${node.port}/${encodeURIComponent(vhost)}`;
}

/**
 * The pid of a node's VM, found by the node name in its environment (Linux /proc): RabbitMQ 3.10
 * does not write RABBITMQ_PID_FILE itself when started with `-detached`, so the harness writes it.
 */
function findNodePid(name: string): number | undefined {
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      if (!readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('beam')) continue;
      const env = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      if (env.includes(`RABBITMQ_NODENAME=${name}`)) return Number(entry);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return undefined;
}

function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(1000);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

function nodePid(node: ClusterNode): number | undefined {
  const file = join(node.dir, 'pid');
  const pid = existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : NaN;
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Kills the nodes of clusters whose test process died without cleaning up, and removes their directories. */
function removeOrphans(): void {
  for (const entry of readdirSync(tmpdir()).filter((name) => name.startsWith(DIR_PREFIX))) {
    const dir = join(tmpdir(), entry);
    const ownerFile = join(dir, 'owner.pid');
    const owner = existsSync(ownerFile) ? Number(readFileSync(ownerFile, 'utf8').trim()) : NaN;
    if (Number.isInteger(owner) && owner > 0 && alive(owner)) continue;
    for (const nodeDir of readdirSync(dir).filter((name) => /^n\d+$/.test(name))) {
      const pid = nodePid({ dir: join(dir, nodeDir) } as ClusterNode);
      if (pid) killQuietly(pid);
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
