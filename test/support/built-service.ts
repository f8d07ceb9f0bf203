import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const SERVICES = ['bank1', 'bank2', 'pay', 'account'] as const;
export type ServiceName = (typeof SERVICES)[number];

const root = resolve(__dirname, '..', '..');

/** Path of a service's built entry point; fails clearly when the build is missing. */
export function builtEntry(service: ServiceName): string {
  const entry = join(root, 'dist', 'apps', service, 'main.js');
  if (!existsSync(entry)) {
    throw new Error(
      `${entry} does not exist. The e2e tests run the built services: run \`npm run build\` first ` +
        '(`npm test` builds before it tests).',
    );
  }
  return entry;
}
