import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { waitFor } from '../../src/testing';
import { ENGINE } from './engine';

/** A test application started in a process of its own from a TypeScript entry of this folder. */
export class ChildApp {
  readonly lines: string[] = [];
  /** Settles with the signal that ended the process (null when it exited by itself). */
  readonly exited: Promise<NodeJS.Signals | null>;
  private readonly child: ChildProcess;

  constructor(entry: string, env: Record<string, string>) {
    this.child = spawn(process.execPath, ['-r', join(__dirname, 'ts-register.js'), join(__dirname, entry)], {
      env: { ...process.env, TXMSG_TEST_DB: ENGINE, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [this.child.stdout!, this.child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => this.lines.push(line));
    }
    this.exited = new Promise((resolve) => this.child.once('close', (_code, signal) => resolve(signal)));
  }

  /**
   * Resolves once the application printed `marker`; fails, with its output, if it does not in time.
   * The deadline is generous: a child transpiles the library's sources as it loads them, and with
   * the suite's two workers each starting several children at once on two cores, a start-up that
   * takes 3 s alone has been seen to print nothing for 30 s.
   */
  async ready(marker: string, timeoutMs = 120_000): Promise<void> {
    try {
      const printed = () => this.lines.some((line) => line.includes(marker));
      // A child that exits without printing it (a boot error) never will: fail then, not at the deadline.
      const exitedFirst = this.exited.then((signal) => {
        if (!printed())
          throw new Error(`the child exited (${signal ?? this.child.exitCode}) before printing: ${marker}`);
      });
      await Promise.race([waitFor(printed, { timeoutMs, description: marker }), exitedFirst]);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${this.lines.join('\n')}`, { cause: error });
    }
  }

  /** Kills it with SIGKILL (no shutdown at all: a crash) and waits for it to be gone. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** Stops it with SIGTERM (a clean shutdown) and waits for it to exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    await this.exited;
  }
}
