import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A send as the test server read it. */
export interface AtSend {
  readonly username: string;
  readonly to: string;
  readonly message: string;
  readonly from: string | undefined;
  readonly apiKey: string | undefined;
  readonly contentType: string | undefined;
}

/** A local stand-in for Africa's Talking's SMS API (`POST /version1/messaging`, `GET /version1/user`). */
export interface AtTestServer {
  readonly url: string;
  readonly sends: AtSend[];
  /** The per-recipient statusCode of the next sends (default 101 Success). */
  nextStatusCode: number;
  /** Delays every answer by this many ms (a slow gateway). */
  delayMs: number;
  close(): Promise<void>;
}

// Africa's Talking's names of its per-recipient status codes.
const STATUS_NAMES: Record<number, string> = {
  100: 'Processed',
  101: 'Success',
  102: 'Queued',
  401: 'RiskHold',
  402: 'InvalidSenderId',
  403: 'InvalidPhoneNumber',
  404: 'UnsupportedNumberType',
  405: 'InsufficientBalance',
  406: 'UserInBlacklist',
  407: 'CouldNotRoute',
  409: 'DoNotDisturbRejection',
  500: 'InternalServerError',
  501: 'GatewayError',
  502: 'RejectedByGateway',
};

/** Starts the server on 127.0.0.1 for `username` with `apiKey`. */
export async function startAtTestServer(account: {
  username: string;
  apiKey: string;
}): Promise<AtTestServer> {
  const sends: AtSend[] = [];
  let nextId = 1;
  const state = { nextStatusCode: 101, delayMs: 0 };
  const answer = (res: ServerResponse, status: number, body: unknown) => {
    setTimeout(() => {
      res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    }, state.delayMs);
  };
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const apiKey = req.headers.apikey as string | undefined;
    if (apiKey !== account.apiKey) return answer(res, 401, 'The supplied authentication is invalid');
    if (req.method === 'GET' && url.pathname === '/version1/user') {
      if (url.searchParams.get('username') !== account.username) return answer(res, 401, 'Invalid username');
      return answer(res, 200, { UserData: { balance: 'XAF 1500.0000' } });
    }
    if (req.method !== 'POST' || url.pathname !== '/version1/messaging') return answer(res, 404, 'Not found');
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const send: AtSend = {
      username: form.get('username') ?? '',
      to: form.get('to') ?? '',
      message: form.get('message') ?? '',
      from: form.get('from') ?? undefined,
      apiKey,
      contentType: req.headers['content-type'],
    };
    if (send.username !== account.username) return answer(res, 401, 'Invalid username');
    sends.push(send);
    const statusCode = state.nextStatusCode;
    const accepted = statusCode >= 100 && statusCode <= 102;
    const messageId = accepted ? `ATXid_${String(nextId++).padStart(8, '0')}` : 'None';
    return answer(res, 201, {
      SMSMessageData: {
        Message: accepted ? 'Sent to 1/1 Total Cost: XAF 20.0000' : 'Sent to 0/1 Total Cost: 0',
        Recipients: [
          {
            statusCode,
            number: send.to,
            status: STATUS_NAMES[statusCode] ?? 'Unknown',
            cost: accepted ? 'XAF 20.0000' : '0',
            messageId,
          },
        ],
      },
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const result = {
    url: `http://127.0.0.1:${port}`,
    sends,
    get nextStatusCode() {
      return state.nextStatusCode;
    },
    set nextStatusCode(value: number) {
      state.nextStatusCode = value;
    },
    get delayMs() {
      return state.delayMs;
    },
    set delayMs(value: number) {
      state.delayMs = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return result;
}
