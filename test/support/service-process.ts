import { waitFor } from '@txmsg/nestjs/testing';
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { builtEntry, type ServiceName } from './built-service';
import { SERVICE_NODE_OPTIONS } from '../../scripts/service-node-options';
import { captureLogsOnFailure } from './failure-logs';

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface HttpReply<T = any> {
  status: number;
  body: T;
}

const MAX_LOG_LINES = 5000;

/**
 * One built service (`node dist/apps/<service>/main.js`) running as a child process, the way
 * Any tool may run it so. Its stdout and stderr are kept and printed if a test fails
 * (set E2E_LOGS=1 to stream them live).
 */
export class ServiceProcess {
  readonly name: string;
  readonly url: string;
  /** Settles when the process has exited. */
  readonly exited: Promise<ExitStatus>;
  private readonly lines: string[] = [];
  private status?: ExitStatus;

  private constructor(
    readonly service: ServiceName,
    readonly port: number,
    readonly env: Record<string, string>,
    private readonly child: ChildProcess,
  ) {
    this.name = `${service}:${port} (pid ${child.pid})`;
    this.url = `http://127.0.0.1:${port}`;
    this.exited = new Promise((resolve) =>
      // 'close' rather than 'exit': by then every line of its output has been read.
      child.once('close', (code, signal) => {
        this.status = { code, signal };
        resolve(this.status);
      }),
    );
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => this.record(line));
    }
    captureLogsOnFailure(this);
  }

  /** Starts the service with exactly `env` (plus PATH and HOME); does not wait for it. */
  static spawn(service: ServiceName, port: number, env: Record<string, string>): ServiceProcess {
    // The heap limits the services run with in production, so tests see the same memory behaviour.
    const fullEnv = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_OPTIONS: SERVICE_NODE_OPTIONS,
      ...env,
      PORT: String(port),
    };
    const child = spawn(process.execPath, [builtEntry(service)], { env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    return new ServiceProcess(service, port, fullEnv, child);
  }

  /** Resolves once `GET /health` answers 200; fails early, with the logs, if the process exits. */
  async waitHealthy(timeoutMs = 45_000): Promise<void> {
    try {
      await waitFor(async () => !this.running || (await this.get('/health')).status === 200, {
        timeoutMs,
        intervalMs: 200,
        description: `${this.name} GET /health 200`,
      });
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${this.logs()}`, { cause: error });
    }
    if (this.status) {
      throw new Error(`${this.name} exited (${describe(this.status)}) before it was healthy:\n${this.logs()}`);
    }
  }

  get running(): boolean {
    return this.status === undefined;
  }

  /** How the process ended (exit code or signal); undefined while it runs. */
  get exitStatus(): ExitStatus | undefined {
    return this.status;
  }

  async get<T = any>(path: string, headers: Record<string, string> = {}): Promise<HttpReply<T>> {
    return this.request<T>('GET', path, undefined, headers);
  }

  async post<T = any>(path: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpReply<T>> {
    return this.request<T>('POST', path, body, headers);
  }

  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<HttpReply<T>> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(5000),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed as T };
  }

  /** SIGTERM, then waits for the exit; SIGKILLs and fails if it takes longer than `timeoutMs`. */
  async stop(timeoutMs = 15_000): Promise<ExitStatus> {
    if (this.status) return this.status;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const status = await this.exited;
    clearTimeout(timer);
    if (status.signal === 'SIGKILL') throw new Error(`${this.name} did not exit within ${timeoutMs} ms of SIGTERM`);
    return status;
  }

  /** Sends `signal` (default SIGKILL: a crash) and waits for the exit. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<ExitStatus> {
    if (this.status) return this.status;
    this.child.kill(signal);
    return this.exited;
  }

  /** Everything the process wrote so far (stdout and stderr, interleaved by line). */
  logs(): string {
    return this.lines.join('\n');
  }

  private record(line: string): void {
    if (this.lines.length >= MAX_LOG_LINES) this.lines.splice(0, MAX_LOG_LINES / 10);
    this.lines.push(line);
    if (process.env.E2E_LOGS === '1') process.stderr.write(`[${this.service}] ${line}\n`);
  }
}

function describe(status: ExitStatus): string {
  return status.signal ? `signal ${status.signal}` : `code ${status.code}`;
}
