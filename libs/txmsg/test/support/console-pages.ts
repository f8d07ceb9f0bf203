import type { INestApplication } from '@nestjs/common';
import request from 'supertest';

/** The console's pages of `app` at `base`, asked for with the admin token. */
export function consolePages(app: INestApplication, base: string, token: string) {
  const get = (path: string) =>
    request(app.getHttpServer()).get(`${base}${path}`).set('Authorization', `Bearer ${token}`);

  /** The fastest of three loads: a page is read-only, so one slow load is the machine, not the page. */
  async function fastest(path: string): Promise<{ ms: number; text: string }> {
    let best = { ms: Infinity, text: '' };
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      const answer = await get(path).expect(200);
      const ms = performance.now() - started;
      if (ms < best.ms) best = { ms, text: answer.text };
    }
    return best;
  }

  return { get, fastest };
}
