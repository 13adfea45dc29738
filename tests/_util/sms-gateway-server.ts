import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the gateway received, and what it answered. */
export interface GatewayRequest {
  readonly key: string | undefined;
  readonly to: string;
  readonly text: string;
  readonly status: number;
}

/**
 * An operator's HTTP SMS gateway on 127.0.0.1, for a node's `sms.gateway: "http"`: it takes
 * `{ to, text }` with the bearer token, and sends to a handset once per `Idempotency-Key`
 * (draft-ietf-httpapi-idempotency-key-header §2: a request repeated with the same key is answered
 * as the first was, and not carried out again). `down` makes it answer 503 as an overloaded or
 * failed gateway does. `delivered` holds what reached handsets, once per key.
 */
export class SmsGatewayServer {
  down = false;
  readonly requests: GatewayRequest[] = [];
  readonly delivered = new Map<string, { readonly to: string; readonly text: string }>();
  private readonly server: Server = createServer((req, res) => void this.answer(req, res));

  constructor(private readonly token: string) {}

  /** Listens on a free port; resolves with the URL to put in node.json. */
  async start(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/sms`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }

  /** How many SMS reached each phone. */
  deliveredPerPhone(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const { to } of this.delivered.values()) counts.set(to, (counts.get(to) ?? 0) + 1);
    return counts;
  }

  /** Requests answered with this status. */
  answered(status: number): number {
    return this.requests.filter((request) => request.status === status).length;
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const body = JSON.parse(raw) as { to: string; text: string };
    const key = req.headers['idempotency-key'] as string | undefined;
    const status = this.statusFor(req.headers.authorization);
    this.requests.push({ key, to: body.to, text: body.text, status });
    if (status !== 202) return void res.writeHead(status).end();
    // Without a key, every request is a new SMS (a gateway cannot tell a retry from another).
    const id = key ?? `request-${this.requests.length}`;
    if (!this.delivered.has(id)) this.delivered.set(id, { to: body.to, text: body.text });
    res.writeHead(202, { 'content-type': 'application/json' }).end('{"queued":true}');
  }

  private statusFor(authorization: string | undefined): number {
    if (authorization !== `Bearer ${this.token}`) return 401;
    return this.down ? 503 : 202;
  }
}
