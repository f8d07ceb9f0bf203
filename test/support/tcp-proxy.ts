import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP proxy between a service and a server (MariaDB, RabbitMQ), for network faults in tests:
 * `cut()` drops every connection and refuses new ones until `heal()`; `slow(ms)` delays every
 * chunk in both directions.
 */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private refusing = false;
  private delayMs = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetHost: string, targetPort: number): Promise<TcpProxy> {
    // The connection handler needs the proxy, which needs the listening server's port.
    const created: { proxy?: TcpProxy } = {};
    const server = createServer((client) => created.proxy!.accept(client, targetHost, targetPort));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    created.proxy = new TcpProxy(server, (server.address() as AddressInfo).port);
    return created.proxy;
  }

  /** Drops every open connection and refuses new ones. */
  cut(): void {
    this.refusing = true;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  /** Lets connections through again, at full speed. */
  heal(): void {
    this.refusing = false;
    this.delayMs = 0;
  }

  /** Delays every chunk by `ms` in both directions. */
  slow(ms: number): void {
    this.delayMs = ms;
  }

  /**
   * Stops listening, as a server that is down: connections are refused (ECONNREFUSED) until
   * `up()`. HTTP clients need this rather than `cut()`: fetch() re-sends a request whose fresh
   * connection was dropped before it was written, so it would wait for its timeout.
   */
  async down(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    if (this.server.listening) await new Promise((resolve) => this.server.close(resolve));
  }

  /** Listens again after `down()`, on the same port. */
  async up(): Promise<void> {
    if (!this.server.listening)
      await new Promise<void>((resolve) => this.server.listen(this.port, '127.0.0.1', resolve));
  }

  async close(): Promise<void> {
    this.cut();
    if (this.server.listening) await new Promise((resolve) => this.server.close(resolve));
  }

  private accept(client: Socket, host: string, port: number): void {
    if (this.refusing) {
      client.destroy();
      return;
    }
    const upstream = connect(port, host);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    this.pipe(client, upstream);
    this.pipe(upstream, client);
  }

  private pipe(from: Socket, to: Socket): void {
    from.on('data', (chunk) => {
      const forward = () => {
        if (!to.destroyed) to.write(chunk);
      };
      if (this.delayMs > 0) {
        // Keep order: pause the source while a delayed chunk waits.
        from.pause();
        setTimeout(() => {
          forward();
          from.resume();
        }, this.delayMs);
      } else forward();
    });
    from.on('close', () => to.destroy());
  }
}
