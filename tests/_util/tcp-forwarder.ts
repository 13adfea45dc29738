import { connect, createServer, type Server, type Socket } from 'node:net';

/** A TCP forwarder on 127.0.0.1, as a proxy in front of several processes would be. */
export interface TcpForwarder {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Forwards each connection to the first of `targetPorts` that accepts it, the way a proxy skips a
 * backend that refuses connections: when a process dies, its connections drop and new ones go to
 * the next. Bytes pass untouched (HTTP, websocket upgrades).
 */
export function startTcpForwarder(targetPorts: readonly number[]): Promise<TcpForwarder> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.pause();
    forward(client, targetPorts, 0, sockets);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({
        port,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

function forward(client: Socket, ports: readonly number[], index: number, sockets: Set<Socket>): void {
  const port = ports[index];
  if (port === undefined || client.destroyed) {
    client.destroy();
    return;
  }
  const upstream = connect(port, '127.0.0.1');
  sockets.add(upstream);
  let connected = false;
  upstream.once('connect', () => {
    connected = true;
    client.pipe(upstream);
    upstream.pipe(client);
    client.resume();
  });
  upstream.on('error', () => {
    if (!connected) forward(client, ports, index + 1, sockets);
    else client.destroy();
  });
  upstream.on('close', () => {
    sockets.delete(upstream);
    if (connected) client.destroy();
  });
  client.on('error', () => upstream.destroy());
  client.on('close', () => upstream.destroy());
}
