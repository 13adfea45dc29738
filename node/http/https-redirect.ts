import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The plain HTTP listener beside an HTTPS node. */
export interface HttpsRedirect {
  /** Where it listens (`http://host:port`). */
  readonly url: string;
  close(): Promise<void>;
}

// A host name, an IPv4 address or a bracketed IPv6 one, and an optional port: nothing else is
// copied into a Location header.
const HOST_HEADER = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]{1,253})(?::\d{1,5})?$/i;

/**
 * The HTTPS address of a plain request: same host, the HTTPS port, same path and query. Undefined
 * when the Host header is missing or not a plain host (HTTP/1.1 requires it: RFC 9112 §3.2).
 */
export function httpsLocation(host: string | undefined, url: string | undefined, httpsPort: number) {
  const hostname = HOST_HEADER.exec(host ?? '')?.[1];
  if (hostname === undefined) return undefined;
  const port = httpsPort === 443 ? '' : `:${httpsPort}`;
  // An absolute-form or `*` target names no path of ours: send it to the root.
  const path = url?.startsWith('/') ? url : '/';
  return `https://${hostname}${port}${path}`;
}

/**
 * Answers every plain HTTP request with a 308 to its HTTPS address, and nothing else: no routes,
 * no cookies, no body read, so a counter that types `http://poste:8080/staff/login` lands on the
 * login page over TLS, and nothing of the node is ever served in clear. 308, not 301: a form
 * posted to the old address is posted again, not turned into a GET (RFC 9110 §15.4.9).
 */
export async function startHttpsRedirect(options: {
  readonly host: string;
  readonly port: number;
  /** The HTTPS port to send clients to. */
  readonly httpsPort: () => number;
}): Promise<HttpsRedirect> {
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const location = httpsLocation(request.headers.host, request.url, options.httpsPort());
    if (location === undefined) {
      response.writeHead(400, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
      response.end('HTTPS only: use https://\n');
      return;
    }
    response.writeHead(308, { location, 'content-length': '0' });
    response.end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
