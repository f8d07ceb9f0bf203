import type { Server } from 'node:http';

/**
 * Bounds how long a client may take to send one request: a request whose headers and body have
 * not all arrived within `requestTimeoutMs` is answered 408 and its connection closed, so clients
 * that trickle bytes cannot hold connections (and memory) open for minutes. Call it before the
 * server listens: Node reads how often it checks for such requests when listening starts.
 */
export function applyServerTimeouts(server: Server, requestTimeoutMs: number): void {
  server.requestTimeout = requestTimeoutMs;
  server.headersTimeout = requestTimeoutMs;
  // Node looks for expired requests every 30 s by default, which would let a 2 s limit last 32 s.
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.min(
    5000,
    Math.max(100, Math.floor(requestTimeoutMs / 10)),
  );
}
