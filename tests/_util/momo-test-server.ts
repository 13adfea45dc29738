import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local server that answers the calls of MTN MoMo's Collection API the node makes, as MTN
 * documents them (momodeveloper.mtn.com, Collection):
 * - `POST /collection/token/`: `Authorization: Basic base64(apiUser:apiKey)` and
 *   `Ocp-Apim-Subscription-Key` → `{ access_token, token_type: "access_token", expires_in: 3600 }`;
 * - `POST /collection/v1_0/requesttopay` with `Authorization: Bearer`, `X-Reference-Id` (a UUID),
 *   `X-Target-Environment`, `Ocp-Apim-Subscription-Key`, optional `X-Callback-Url`, body `{ amount,
 *   currency, externalId, payer: { partyIdType: "MSISDN", partyId }, payerMessage, payeeNote }` →
 *   202 with no body; a reference used before → 409 `RESOURCE_ALREADY_EXIST`;
 * - `GET /collection/v1_0/requesttopay/{referenceId}` → 200 with the request and its `status`
 *   (`PENDING`, `SUCCESSFUL` with a `financialTransactionId`, `FAILED` with a `reason`), or 404
 *   `RESOURCE_NOT_FOUND`.
 * Errors are `{ "code": …, "message": … }`. The callback MTN sends once, without retry, to the
 * `X-Callback-Url` is a PUT (or POST) whose body is the status answer: {@link MomoTestServer.notice}.
 */
export interface MomoTestServer {
  readonly url: string;
  readonly apiUser: string;
  readonly apiKey: string;
  readonly subscriptionKey: string;
  readonly targetEnvironment: string;
  readonly requests: readonly MomoRecordedRequest[];
  readonly payments: ReadonlyMap<string, MomoRequestToPay>;
  /** The payer approves on their phone. */
  approve(referenceId: string): MomoRequestToPay;
  /** The payer declines, or MTN fails the request (`reason`: APPROVAL_REJECTED, NOT_ENOUGH_FUNDS, EXPIRED…). */
  decline(referenceId: string, reason?: string): MomoRequestToPay;
  /** The notice MTN sends for a request in its current state: method, URL and JSON body. */
  notice(referenceId: string, method?: 'PUT' | 'POST'): { method: string; url: string; body: string };
  /** The next `count` calls whose path starts with `pathPrefix` answer `status` (a 500, an outage). */
  failNext(pathPrefix: string, status: number, count?: number): void;
  /** The next request whose path starts with `pathPrefix` is carried out, then its answer is lost. */
  dropNextAnswer(pathPrefix: string): void;
  /** The next request whose path starts with `pathPrefix` is carried out, then answered `ms` later. */
  delayNextAnswer(pathPrefix: string, ms: number): void;
  /** Every token given so far stops working (as after its expiry): the next call is refused with 401. */
  expireTokens(): void;
  /**
   * The partner portal's transaction export, one row per request to pay (successful and failed),
   * its dates in the operator's local time `at` gives (`YYYY-MM-DD HH:mm:ss`): edit the rows, then
   * {@link momoReportCsv}.
   */
  transactionRows(at: string): Record<string, string>[];
  close(): Promise<void>;
}

/** The portal export's columns, in its order. */
export const MOMO_REPORT_COLUMNS = [
  'Date',
  'Financial Transaction Id',
  'External Id',
  'Type',
  'Status',
  'Amount',
  'Currency',
  'Fee',
  'Payer',
  'Payer Message',
] as const;

/** Rows of {@link MomoTestServer.transactionRows} as the portal's CSV file. */
export function momoReportCsv(rows: readonly Record<string, string>[]): string {
  const cell = (value: string) => (/[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
  const lines = rows.map((row) => MOMO_REPORT_COLUMNS.map((column) => cell(row[column] ?? '')).join(','));
  return `${[MOMO_REPORT_COLUMNS.join(','), ...lines].join('\r\n')}\r\n`;
}

export interface MomoRecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  readonly status: number;
}

export interface MomoRequestToPay {
  readonly referenceId: string;
  readonly callbackUrl: string | undefined;
  readonly body: {
    amount: string;
    currency: string;
    externalId: string;
    payer: { partyIdType: string; partyId: string };
    payerMessage?: string;
    payeeNote?: string;
  };
  status: 'PENDING' | 'SUCCESSFUL' | 'FAILED';
  reason?: string;
  financialTransactionId?: string;
}

class MomoError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** Starts the server on 127.0.0.1 and a free port; `targetEnvironment` defaults to `sandbox`. */
export async function startMomoTestServer(
  options: { targetEnvironment?: string } = {},
): Promise<MomoTestServer> {
  const apiUser = randomUUID();
  const apiKey = randomBytes(16).toString('hex');
  const subscriptionKey = randomBytes(16).toString('hex');
  const targetEnvironment = options.targetEnvironment ?? 'sandbox';
  const requests: MomoRecordedRequest[] = [];
  const payments = new Map<string, MomoRequestToPay>();
  const tokens = new Set<string>();
  const failures: Array<{ prefix: string; status: number; count: number }> = [];
  const drops = new Set<string>();
  const delays = new Map<string, number>();

  function answer(request: IncomingMessage, raw: string): { status: number; body?: unknown } {
    const path = new URL(request.url ?? '/', 'http://momo.invalid').pathname;
    const failure = failures.find((candidate) => path.startsWith(candidate.prefix) && candidate.count > 0);
    if (failure) {
      failure.count -= 1;
      throw new MomoError(failure.status, 'INTERNAL_PROCESSING_ERROR', 'An internal error occurred.');
    }
    if (request.headers['ocp-apim-subscription-key'] !== subscriptionKey)
      throw new MomoError(401, 'ACCESS_DENIED', 'Access denied due to invalid subscription key.');
    if (request.method === 'POST' && path === '/collection/token/') return issueToken(request);
    authenticate(request);
    if (request.headers['x-target-environment'] !== targetEnvironment)
      throw new MomoError(400, 'INVALID_TARGET_ENVIRONMENT', 'The target environment is not known.');
    if (request.method === 'POST' && path === '/collection/v1_0/requesttopay')
      return requestToPay(request, raw);
    const status = /^\/collection\/v1_0\/requesttopay\/([^/]+)$/.exec(path);
    if (request.method === 'GET' && status) return { status: 200, body: statusOf(mustGet(status[1] ?? '')) };
    throw new MomoError(404, 'RESOURCE_NOT_FOUND', 'Requested resource was not found.');
  }

  function issueToken(request: IncomingMessage) {
    const expected = `Basic ${Buffer.from(`${apiUser}:${apiKey}`).toString('base64')}`;
    if (request.headers.authorization !== expected) throw new MomoError(401, 'login_failed', 'Login failed.');
    const token = randomBytes(24).toString('base64url');
    tokens.add(token);
    return { status: 200, body: { access_token: token, token_type: 'access_token', expires_in: 3600 } };
  }

  function authenticate(request: IncomingMessage): void {
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (token === undefined || !tokens.has(token))
      throw new MomoError(401, 'ACCESS_DENIED', 'Access denied due to invalid or expired token.');
  }

  function requestToPay(request: IncomingMessage, raw: string) {
    const referenceId = String(request.headers['x-reference-id'] ?? '');
    if (!UUID.test(referenceId))
      throw new MomoError(400, 'INVALID_REFERENCE_ID', 'The reference id is not a UUID.');
    if (payments.has(referenceId))
      throw new MomoError(
        409,
        'RESOURCE_ALREADY_EXIST',
        'Duplicated reference id. Creation of resource failed.',
      );
    const body = safeJson(raw) as MomoRequestToPay['body'] | undefined;
    if (!body || typeof body.amount !== 'string' || !/^\d+(\.\d+)?$/.test(body.amount))
      throw new MomoError(400, 'INVALID_AMOUNT', 'The amount is not valid.');
    if (typeof body.currency !== 'string' || !/^[A-Z]{3}$/.test(body.currency))
      throw new MomoError(400, 'INVALID_CURRENCY', 'The currency is not valid.');
    if (body.payer?.partyIdType !== 'MSISDN' || !/^\d{6,15}$/.test(String(body.payer.partyId)))
      throw new MomoError(400, 'PAYER_NOT_FOUND', 'The payer is not found.');
    const callback = request.headers['x-callback-url'];
    payments.set(referenceId, {
      referenceId,
      callbackUrl: typeof callback === 'string' ? callback : undefined,
      body,
      status: 'PENDING',
    });
    return { status: 202 };
  }

  function mustGet(referenceId: string): MomoRequestToPay {
    const payment = payments.get(referenceId);
    if (!payment) throw new MomoError(404, 'RESOURCE_NOT_FOUND', 'Requested resource was not found.');
    return payment;
  }

  function statusOf(payment: MomoRequestToPay) {
    const { amount, currency, externalId, payer, payerMessage, payeeNote } = payment.body;
    return {
      ...(payment.financialTransactionId ? { financialTransactionId: payment.financialTransactionId } : {}),
      externalId,
      amount,
      currency,
      payer,
      payerMessage,
      payeeNote,
      status: payment.status,
      ...(payment.reason ? { reason: payment.reason } : {}),
    };
  }

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let result: { status: number; body?: unknown };
      try {
        result = answer(request, raw);
      } catch (error) {
        if (!(error instanceof MomoError)) throw error;
        result = { status: error.status, body: { code: error.code, message: error.message } };
      }
      requests.push({
        method: request.method ?? 'GET',
        path: new URL(request.url ?? '/', 'http://momo.invalid').pathname,
        headers: request.headers,
        body: raw,
        status: result.status,
      });
      const path = new URL(request.url ?? '/', 'http://momo.invalid').pathname;
      const drop = [...drops].find((prefix) => path.startsWith(prefix));
      if (drop !== undefined) {
        drops.delete(drop);
        request.socket.destroy();
        return;
      }
      const text = result.body === undefined ? '' : JSON.stringify(result.body);
      const delay = [...delays.keys()].find((prefix) => path.startsWith(prefix));
      const ms = delay === undefined ? 0 : (delays.get(delay) ?? 0);
      if (delay !== undefined) delays.delete(delay);
      setTimeout(() => {
        if (response.destroyed) return;
        response.writeHead(result.status, text ? { 'content-type': 'application/json' } : {});
        response.end(text);
      }, ms).unref();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    apiUser,
    apiKey,
    subscriptionKey,
    targetEnvironment,
    requests,
    payments,
    approve(referenceId) {
      const payment = mustGet(referenceId);
      payment.status = 'SUCCESSFUL';
      payment.financialTransactionId = String(1_000_000_000 + payments.size);
      return payment;
    },
    transactionRows(at) {
      return [...payments.values()]
        .filter((payment) => payment.status !== 'PENDING')
        .map((payment) => ({
          Date: at,
          'Financial Transaction Id': payment.financialTransactionId ?? String(2_000_000_000 + payments.size),
          'External Id': payment.body.externalId,
          Type: 'DEBIT',
          Status: payment.status,
          Amount: payment.body.amount,
          Currency: payment.body.currency,
          Fee: '0',
          Payer: payment.body.payer.partyId,
          'Payer Message': payment.body.payerMessage ?? '',
        }));
    },
    decline(referenceId, reason = 'APPROVAL_REJECTED') {
      const payment = mustGet(referenceId);
      payment.status = 'FAILED';
      payment.reason = reason;
      return payment;
    },
    notice(referenceId, method = 'PUT') {
      const payment = mustGet(referenceId);
      if (!payment.callbackUrl) throw new Error(`no callback URL for ${referenceId}`);
      return { method, url: payment.callbackUrl, body: JSON.stringify(statusOf(payment)) };
    },
    failNext(prefix, status, count = 1) {
      failures.push({ prefix, status, count });
    },
    dropNextAnswer: (prefix) => drops.add(prefix),
    delayNextAnswer: (prefix, ms) => delays.set(prefix, ms),
    expireTokens: () => tokens.clear(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
