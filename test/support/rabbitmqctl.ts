import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Runs `rabbitmqctl`. RABBITMQCTL overrides the command, e.g.
 * `RABBITMQCTL="docker compose exec -T rabbitmq rabbitmqctl"` when the broker runs in Docker.
 */
export async function rabbitmqctl(...args: string[]): Promise<string> {
  const [command, ...prefix] = (process.env.RABBITMQCTL ?? 'rabbitmqctl').split(/\s+/);
  try {
    const { stdout } = await run(command, [...prefix, ...args], { timeout: 30_000 });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`rabbitmqctl ${args.join(' ')} failed: ${e.stderr?.trim() || e.message}`, { cause: error });
  }
}
