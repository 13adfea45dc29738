import { createServer } from 'node:net';

/**
 * A port the system hands out for port 0, released at once: for a server that must come back on
 * the same port after a restart (a hub's embedded broker its missions reconnect to).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
