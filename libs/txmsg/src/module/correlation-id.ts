import { randomUUID } from 'node:crypto';

/** What the middleware reads of a request; any HTTP adapter's request has it. */
export interface WithHeaders {
  headers: Record<string, string | string[] | undefined>;
}

/** The caller's `x-correlation-id` when it is a plain token of up to 64 characters, else a new one. */
export function correlationIdOf(req: WithHeaders): string {
  const given = req.headers['x-correlation-id'];
  return typeof given === 'string' && /^[\w.:-]{1,64}$/.test(given) ? given : randomUUID();
}
