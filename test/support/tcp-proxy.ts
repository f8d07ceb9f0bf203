import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy to a local port that a test can cut: while blocked it drops open connections and
 * stops listening, so callers get ECONNREFUSED as from a service that is down (a proxy that
 * accepts and then drops connections makes fetch() retry until its timeout instead). The target
 * port may be set after the proxy starts (e.g. once the service behind it is up).
 */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;
  private targetPort: number | undefined;
  private listening = false;
  port = 0;

  private constructor() {
    this.server = createServer((client) => this.accept(client));
  }

  static async start(targetPort?: number): Promise<TcpProxy> {
    const proxy = new TcpProxy();
    proxy.targetPort = targetPort;
    await proxy.listen();
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  forwardTo(port: number): void {
    this.targetPort = port;
  }

  /** Cuts the link until {@link unblock}. */
  async block(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    if (!this.listening) return;
    this.listening = false;
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** Listens again, on the same port. */
  async unblock(): Promise<void> {
    if (!this.listening) await this.listen();
  }

  close(): Promise<void> {
    return this.block();
  }

  private async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : this.port;
    this.listening = true;
  }

  private accept(client: Socket): void {
    if (this.targetPort === undefined) {
      client.destroy();
      return;
    }
    const upstream = connect({ host: '127.0.0.1', port: this.targetPort });
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  }
}
