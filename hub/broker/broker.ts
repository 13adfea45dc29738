import { createServer, type Server } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { Aedes } from 'aedes';
import type { TrustResolver } from '../../protocol/index.js';
import { type BrokerEvents, makeAuthenticate } from './authenticate.js';
import { makeAuthorizePublish, makeAuthorizeSubscribe } from './authorize.js';

/** Where and how the embedded broker listens. */
export interface BrokerOptions {
  readonly host: string;
  /** Where the plain listener binds when not `host` (the loopback, beside a TLS listener on `host`). */
  readonly plainHost?: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Optional TLS listener (PEM certificate and key). */
  readonly tls?: { readonly port: number; readonly cert: string | Buffer; readonly key: string | Buffer };
  readonly trust: TrustResolver;
  readonly events: BrokerEvents;
  readonly now?: () => number;
}

/** A running embedded broker. */
export interface EmbeddedBroker {
  readonly port: number;
  readonly tlsPort: number | undefined;
  readonly aedes: Aedes;
  /** Ends a client's connection (a revoked mission); it cannot come back, its key is refused. */
  disconnect(clientId: string): void;
  close(): Promise<void>;
}

/** Starts aedes with the token authentication and topic ACL of this protocol. */
export async function startBroker(options: BrokerOptions): Promise<EmbeddedBroker> {
  const aedes = await Aedes.createBroker({
    authenticate: makeAuthenticate(options.trust, options.events, options.now),
    authorizePublish: makeAuthorizePublish(options.events),
    authorizeSubscribe: makeAuthorizeSubscribe(options.events),
  });
  const plain = createServer(aedes.handle);
  const port = await listen(plain, options.port, options.plainHost ?? options.host);
  let secure: TlsServer | undefined;
  let tlsPort: number | undefined;
  if (options.tls) {
    secure = createTlsServer({ cert: options.tls.cert, key: options.tls.key }, aedes.handle);
    tlsPort = await listen(secure, options.tls.port, options.host);
  }
  return {
    port,
    tlsPort,
    aedes,
    disconnect(clientId) {
      // aedes keeps its connected clients in `clients` (aedes.js), which its type declarations omit.
      const clients = (aedes as unknown as { clients: Record<string, { close(): void } | undefined> })
        .clients;
      clients[clientId]?.close();
    },
    async close() {
      // aedes ends every client connection first, so the listeners can then close without waiting on them.
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await Promise.all([closeServer(plain), secure ? closeServer(secure) : undefined]);
    },
  };
}

function listen(server: Server | TlsServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

function closeServer(server: Server | TlsServer): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
