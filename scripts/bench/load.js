'use strict';
// Load generation: a keep-alive HTTP client, closed loops (N operations by C workers) for
// throughput and open loops (a fixed rate) for latency.
const http = require('node:http');
const { sleep } = require('./stats');

function httpClient(baseUrl, maxSockets) {
  const url = new URL(baseUrl);
  // Idle sockets are closed after 4 s, before the services' keep-alive timeout (5 s) can close
  // one under a request about to reuse it (which the client would see as ECONNRESET).
  const agent = new http.Agent({ keepAlive: true, maxSockets, timeout: 4000 });
  const post = (path, body) =>
    new Promise((resolve, reject) => {
      const payload = Buffer.from(JSON.stringify(body));
      const request = http.request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          path,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': payload.length },
          timeout: 30_000,
        },
        (response) => {
          const chunks = [];
          response.on('data', (chunk) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode, body: Buffer.concat(chunks).toString() }));
        },
      );
      request.on('timeout', () => request.destroy(new Error(`POST ${path} timed out`)));
      request.on('error', reject);
      request.end(payload);
    });
  return { post, close: () => agent.destroy() };
}

/** Runs `task(i)` for i in [0, n) on `concurrency` workers; resolves to the elapsed ms. */
async function closedLoop(n, concurrency, task) {
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < n) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  return performance.now() - started;
}

/** Starts `task(i)` every 1000/rate ms, `count` times, without waiting for earlier ones. */
async function openLoop(rate, count, task) {
  const started = performance.now();
  const running = [];
  for (let i = 0; i < count; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const run = task(i);
    run.catch(() => undefined); // reported by Promise.all below, not as an unhandled rejection
    running.push(run);
  }
  await Promise.all(running);
  return performance.now() - started;
}

/** Polls `probe` every `everyMs` until it is truthy; throws after `timeoutMs`. */
async function until(probe, what, timeoutMs = 180_000, everyMs = 20) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

module.exports = { httpClient, closedLoop, openLoop, until };
