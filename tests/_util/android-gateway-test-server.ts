import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A message as the phone's local server took it. */
export interface AndroidMessage {
  readonly id: string;
  readonly message: string;
  readonly phoneNumbers: string[];
  readonly withDeliveryReport: boolean;
}

/** A local stand-in for SMS Gateway for Android's local server (`POST /message`, `GET /health`). */
export interface AndroidTestServer {
  readonly url: string;
  /** Every message kept, once per id. */
  readonly messages: AndroidMessage[];
  /** How many POST /message came in, duplicates included. */
  posts: number;
  /** Answer the next POST /message with this status (a phone in trouble). */
  failNextWith: number | undefined;
  close(): Promise<void>;
}

/** Starts the server on 127.0.0.1, Basic auth with `username`/`password`. */
export async function startAndroidTestServer(account: {
  username: string;
  password: string;
}): Promise<AndroidTestServer> {
  const expected = `Basic ${Buffer.from(`${account.username}:${account.password}`).toString('base64')}`;
  const messages: AndroidMessage[] = [];
  const state = { posts: 0, failNextWith: undefined as number | undefined, nextId: 1 };
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.headers.authorization !== expected) return json(res, 401, { message: 'Unauthorized' });
    if (req.method === 'GET' && req.url === '/health') return json(res, 200, { status: 'pass', checks: {} });
    if (req.method !== 'POST' || req.url !== '/message') return json(res, 404, { message: 'Not Found' });
    state.posts++;
    if (state.failNextWith !== undefined) {
      const status = state.failNextWith;
      state.failNextWith = undefined;
      return json(res, status, { message: 'failed' });
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Partial<AndroidMessage>;
    if (
      typeof body.message !== 'string' ||
      !Array.isArray(body.phoneNumbers) ||
      body.phoneNumbers.length === 0
    ) {
      return json(res, 400, { message: 'invalid request' });
    }
    const id = body.id ?? `gen-${state.nextId++}`;
    if (messages.some((m) => m.id === id))
      return json(res, 409, { message: 'message with this id already exists' });
    messages.push({
      id,
      message: body.message,
      phoneNumbers: body.phoneNumbers,
      withDeliveryReport: body.withDeliveryReport ?? false,
    });
    return json(res, 202, {
      id,
      state: 'Pending',
      recipients: body.phoneNumbers.map((phoneNumber) => ({ phoneNumber, state: 'Pending' })),
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    messages,
    get posts() {
      return state.posts;
    },
    get failNextWith() {
      return state.failNextWith;
    },
    set failNextWith(value: number | undefined) {
      state.failNextWith = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A webhook as the app signs it: the raw body, and X-Signature = hex HMAC-SHA256(key, body + X-Timestamp). */
export function signedAndroidWebhook(
  key: string,
  event: string,
  payload: Record<string, unknown>,
  timestamp = Math.floor(Date.now() / 1000),
): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify({
    deviceId: 'ffffffffceb0b1db0000018e937c815b',
    event,
    id: 'Ey6ECgOkVVFjz3CL48B8C',
    payload,
    webhookId: 'wh-1',
  });
  const signature = createHmac('sha256', key)
    .update(body + String(timestamp))
    .digest('hex');
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-signature': signature,
      'x-timestamp': String(timestamp),
    },
  };
}
