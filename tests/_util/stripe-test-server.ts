import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local server that answers the calls of Stripe's API the node makes, as Stripe documents them
 * (docs.stripe.com/api): form-encoded bodies with bracketed keys, `Authorization: Bearer sk_…`,
 * `Idempotency-Key` (the same key and parameters give the first answer back, other parameters an
 * idempotency_error), errors as `{ "error": { type, code?, param?, message } }`. It holds
 * Checkout Sessions and refunds in memory; tests pay or expire a session and read what it received.
 */
export interface StripeTestServer {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The key it accepts, `sk_test_` and random bytes made at start. */
  readonly secretKey: string;
  /** The endpoint signing secret its webhooks are signed with, `whsec_…`. */
  readonly webhookSecret: string;
  /** Every request received, in order. */
  readonly requests: readonly RecordedRequest[];
  readonly sessions: ReadonlyMap<string, StripeSession>;
  readonly refunds: ReadonlyMap<string, StripeRefund>;
  /** The applicant pays on Stripe's page: the session completes, paid, with a payment intent. */
  pay(sessionId: string): StripeSession;
  expire(sessionId: string): StripeSession;
  /** The next request whose path starts with `pathPrefix` is carried out, then its answer is lost. */
  dropNextAnswer(pathPrefix: string): void;
  /** Stripe keeps idempotency keys 24 hours: this is the day after. */
  forgetIdempotencyKeys(): void;
  /** The key is rolled in the dashboard: from now on every call with it is refused (401). */
  revokeKey(): void;
  /** The body Stripe would send for an event about a session (pretty-printed, as Stripe does). */
  eventBody(type: string, sessionId: string, options?: { id?: string; at?: Date }): string;
  /**
   * The itemized balance report's rows (docs.stripe.com/reports/report-types/balance): a `charge`
   * balance transaction for each paid session, a `refund` one for each refund, at `at` (UTC).
   * Edit the rows, then {@link stripeReportCsv}.
   */
  balanceRows(at: Date): Record<string, string>[];
  /**
   * Where the hosted page's payments are told, as the webhook endpoint registered in Stripe's
   * dashboard: `checkout.session.completed`, signed with {@link webhookSecret}, POSTed there.
   */
  setWebhookEndpoint(url: string): void;
  /** Each webhook the hosted page sent, with the endpoint's answer. */
  readonly webhookDeliveries: readonly { readonly type: string; readonly status: number }[];
  close(): Promise<void>;
}

/** The report's columns the server writes, in Stripe's order (payment_metadata[…] last). */
export const STRIPE_REPORT_COLUMNS = [
  'balance_transaction_id',
  'created_utc',
  'available_on_utc',
  'currency',
  'gross',
  'fee',
  'net',
  'reporting_category',
  'source_id',
  'description',
  'customer_facing_amount',
  'customer_facing_currency',
  'automatic_payout_id',
  'payment_intent_id',
  'payment_metadata[checkout_id]',
  'payment_metadata[invoice_id]',
] as const;

/** Rows of {@link StripeTestServer.balanceRows} as the CSV file Stripe's dashboard downloads. */
export function stripeReportCsv(rows: readonly Record<string, string>[]): string {
  const cell = (value: string) => (/[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
  const lines = rows.map((row) => STRIPE_REPORT_COLUMNS.map((column) => cell(row[column] ?? '')).join(','));
  return `${[STRIPE_REPORT_COLUMNS.join(','), ...lines].join('\n')}\n`;
}

// Report amounts are decimals in major units; the API's are integers (zero-decimal currencies whole).
const ZERO_DECIMAL = new Set([
  'bif',
  'clp',
  'djf',
  'gnf',
  'jpy',
  'kmf',
  'krw',
  'pyg',
  'rwf',
  'ugx',
  'vnd',
  'vuv',
  'xaf',
  'xof',
  'xpf',
]);
function reportAmount(amount: number, currency: string): string {
  if (ZERO_DECIMAL.has(currency)) return String(amount);
  const digits = THREE_DECIMAL.has(currency) ? 3 : 2;
  const sign = amount < 0 ? '-' : '';
  const text = String(Math.abs(amount)).padStart(digits + 1, '0');
  return `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/** One request as the server saw it. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly idempotencyKey: string | undefined;
  readonly authorization: string | undefined;
  readonly params: Record<string, unknown>;
  readonly status: number;
}

export type StripeSession = Record<string, unknown> & {
  id: string;
  amount_total: number;
  currency: string;
  payment_status: 'paid' | 'unpaid' | 'no_payment_required';
  status: 'open' | 'complete' | 'expired';
  payment_intent: string | null;
};

export type StripeRefund = Record<string, unknown> & { id: string; amount: number; payment_intent: string };

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: { type: string; message: string; code?: string; param?: string },
  ) {
    super(body.message);
  }
}

// docs.stripe.com/currencies: three-decimal amounts end in 0; ISK stays two-decimal, whole krónur.
const THREE_DECIMAL = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd']);

/** Starts the server on 127.0.0.1 and a free port. */
export async function startStripeTestServer(): Promise<StripeTestServer> {
  const secretKey = `sk_test_${randomBytes(18).toString('hex')}`;
  const webhookSecret = `whsec_${randomBytes(24).toString('base64url')}`;
  const requests: RecordedRequest[] = [];
  const sessions = new Map<string, StripeSession>();
  const refunds = new Map<string, StripeRefund>();
  const idempotent = new Map<string, { params: string; status: number; body: unknown }>();
  const drops = new Set<string>();
  let url = '';
  let keyRevoked = false;

  const routes: Array<
    [string, RegExp, (params: Record<string, unknown>, match: RegExpExecArray) => unknown]
  > = [
    ['POST', /^\/v1\/checkout\/sessions$/, (params) => createSession(params)],
    [
      'GET',
      /^\/v1\/checkout\/sessions\/([^/]+)$/,
      (_params, match) => mustGet(sessions, match[1], 'checkout.session'),
    ],
    ['POST', /^\/v1\/refunds$/, (params) => createRefund(params)],
    ['GET', /^\/v1\/refunds$/, (params) => listRefunds(params)],
  ];

  function createSession(params: Record<string, unknown>): StripeSession {
    if (params.mode !== 'payment') throw invalid('mode', 'This test server knows mode=payment only.');
    if (typeof params.success_url !== 'string') throw missing('success_url');
    const items = params.line_items;
    if (!Array.isArray(items) || items.length === 0) throw missing('line_items');
    let total = 0;
    let currency = '';
    for (const [index, item] of items.entries()) {
      const price = (item as Record<string, Record<string, unknown>>).price_data;
      const amount = Number(price?.unit_amount);
      const quantity = Number((item as Record<string, unknown>).quantity ?? 1);
      if (!price || !Number.isSafeInteger(amount) || amount < 0)
        throw invalid(`line_items[${index}][price_data][unit_amount]`, 'Invalid integer.');
      currency = String(price.currency ?? '');
      if (!/^[a-z]{3}$/.test(currency))
        throw invalid(`line_items[${index}][price_data][currency]`, 'Invalid currency.');
      total += amount * quantity;
    }
    if (THREE_DECIMAL.has(currency) && total % 10 !== 0)
      throw invalid('amount', `Amounts in ${currency} must end in 0.`, 'invalid_charge_amount');
    if (currency === 'isk' && total % 100 !== 0)
      throw invalid(
        'amount',
        'Currency ISK charged amounts must be evenly divisible by 100.',
        'invalid_charge_amount',
      );
    const id = `cs_test_${randomBytes(12).toString('hex')}`;
    const session: StripeSession = {
      id,
      object: 'checkout.session',
      amount_subtotal: total,
      amount_total: total,
      cancel_url: params.cancel_url ?? null,
      client_reference_id: params.client_reference_id ?? null,
      created: Math.floor(Date.now() / 1000),
      currency,
      expires_at: Math.floor(Date.now() / 1000) + 86_400,
      livemode: false,
      metadata: params.metadata ?? {},
      mode: 'payment',
      payment_intent: null,
      payment_status: 'unpaid',
      status: 'open',
      success_url: params.success_url,
      url: `${url}/c/pay/${id}`,
    };
    sessions.set(id, session);
    return session;
  }

  function createRefund(params: Record<string, unknown>): StripeRefund {
    const intent = params.payment_intent;
    if (typeof intent !== 'string') throw missing('payment_intent');
    const session = [...sessions.values()].find((candidate) => candidate.payment_intent === intent);
    if (!session) throw new ApiError(404, noSuch('payment_intent', intent));
    const refunded = [...refunds.values()]
      .filter((refund) => refund.payment_intent === intent)
      .reduce((sum, refund) => sum + refund.amount, 0);
    const amount = params.amount === undefined ? session.amount_total - refunded : Number(params.amount);
    if (!Number.isSafeInteger(amount) || amount <= 0) throw invalid('amount', 'Invalid positive integer.');
    if (amount > session.amount_total - refunded)
      throw invalid('amount', `Refund amount (${amount}) is greater than unrefunded amount on charge.`);
    const refund: StripeRefund = {
      id: `re_test_${randomBytes(12).toString('hex')}`,
      object: 'refund',
      amount,
      currency: session.currency,
      created: Math.floor(Date.now() / 1000),
      metadata: params.metadata ?? {},
      payment_intent: intent,
      status: 'succeeded',
    };
    refunds.set(refund.id, refund);
    return refund;
  }

  function listRefunds(params: Record<string, unknown>) {
    const data = [...refunds.values()]
      .filter(
        (refund) => params.payment_intent === undefined || refund.payment_intent === params.payment_intent,
      )
      .reverse()
      .slice(0, Number(params.limit ?? 10));
    return { object: 'list', data, has_more: false, url: '/v1/refunds' };
  }

  function answer(
    request: IncomingMessage,
    raw: string,
  ): { status: number; body: unknown; replayed: boolean } {
    const { pathname, searchParams } = new URL(request.url ?? '/', 'http://stripe.invalid');
    const method = request.method ?? 'GET';
    const params = parseForm(method === 'GET' ? searchParams.toString() : raw);
    authenticate(request.headers.authorization);
    const route = routes.find(([routeMethod, pattern]) => routeMethod === method && pattern.test(pathname));
    if (!route)
      throw new ApiError(404, {
        type: 'invalid_request_error',
        message: `Unrecognized request URL (${method}: ${pathname}).`,
      });
    const key = method === 'POST' ? header(request, 'idempotency-key') : undefined;
    const previous = key === undefined ? undefined : idempotent.get(key);
    if (previous) {
      if (previous.params !== `${pathname}?${raw}`)
        throw new ApiError(400, {
          type: 'idempotency_error',
          message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
        });
      return { status: previous.status, body: previous.body, replayed: true };
    }
    const body = route[2](params, route[1].exec(pathname) as RegExpExecArray);
    if (key !== undefined) idempotent.set(key, { params: `${pathname}?${raw}`, status: 200, body });
    return { status: 200, body, replayed: false };
  }

  function authenticate(authorization: string | undefined): void {
    const given = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
    if (given === undefined)
      throw new ApiError(401, {
        type: 'invalid_request_error',
        message:
          'You did not provide an API key. You need to provide your API key in the Authorization header.',
      });
    if (given !== secretKey || keyRevoked)
      throw new ApiError(401, {
        type: 'invalid_request_error',
        message: `Invalid API Key provided: ${given.slice(0, 8)}${'*'.repeat(Math.max(0, given.length - 12))}${given.slice(-4)}`,
      });
  }

  let webhookEndpoint: string | undefined;
  const webhookDeliveries: { type: string; status: number }[] = [];

  // Stripe's hosted Checkout page, reduced to what a test needs: the amount and a pay button.
  // Paying completes the session, sends the signed webhook, then sends the payer to success_url.
  async function hostedPage(request: IncomingMessage, response: ServerResponse, sessionId: string) {
    const session = sessions.get(sessionId);
    if (session === undefined) {
      response.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
      response.end('<!doctype html><title>Stripe</title><p>Something went wrong</p>');
      return;
    }
    if (request.method === 'POST' && session.status === 'open') {
      payNow(session);
      await deliverWebhook('checkout.session.completed', session.id);
    }
    if (session.status === 'complete') {
      const target = String(session.success_url).replace('{CHECKOUT_SESSION_ID}', session.id);
      response.writeHead(303, { location: target });
      response.end();
      return;
    }
    if (session.status !== 'open') {
      response.writeHead(410, { 'content-type': 'text/html; charset=utf-8' });
      response.end('<!doctype html><title>Stripe</title><p>This checkout session has expired.</p>');
      return;
    }
    const amount = `${reportAmount(session.amount_total, session.currency)} ${session.currency.toUpperCase()}`;
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Stripe Checkout</title></head>` +
        `<body><h1>Pay ${amount}</h1><form method="post" action="/c/pay/${session.id}">` +
        `<label>Card number <input name="card" value="4242 4242 4242 4242"></label>` +
        `<button type="submit">Pay ${amount}</button></form></body></html>`,
    );
  }

  async function deliverWebhook(type: string, sessionId: string): Promise<void> {
    if (webhookEndpoint === undefined) return;
    const body = eventBody(type, sessionId);
    const delivered = await fetch(webhookEndpoint, {
      method: 'POST',
      headers: stripeWebhook(webhookSecret, body).headers,
      body,
    });
    await delivered.arrayBuffer();
    webhookDeliveries.push({ type, status: delivered.status });
  }

  function payNow(session: StripeSession): StripeSession {
    return Object.assign(session, {
      status: 'complete',
      payment_status: 'paid',
      payment_intent: `pi_test_${randomBytes(12).toString('hex')}`,
    });
  }

  function eventBody(type: string, sessionId: string, options: { id?: string; at?: Date } = {}): string {
    const event = {
      id: options.id ?? `evt_test_${randomBytes(12).toString('hex')}`,
      object: 'event',
      api_version: '2026-11-18.endive',
      created: Math.floor((options.at ?? new Date()).getTime() / 1000),
      data: { object: mustGet(sessions, sessionId, 'checkout.session') },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
    };
    return JSON.stringify(event, null, 2);
  }

  const server = createServer((request, response) => {
    const hosted = /^\/c\/pay\/([^/?]+)/.exec(request.url ?? '');
    if (hosted) {
      request.resume();
      request.on('end', () => {
        hostedPage(request, response, hosted[1] ?? '').catch((error: unknown) => {
          response.writeHead(500);
          response.end(String(error));
        });
      });
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let result: { status: number; body: unknown; replayed: boolean };
      try {
        result = answer(request, raw);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        result = { status: error.status, body: { error: error.body }, replayed: false };
      }
      const path = new URL(request.url ?? '/', 'http://stripe.invalid').pathname;
      requests.push({
        method: request.method ?? 'GET',
        path,
        idempotencyKey: header(request, 'idempotency-key'),
        authorization: request.headers.authorization,
        params: parseForm(
          request.method === 'GET' ? new URL(request.url ?? '/', url).searchParams.toString() : raw,
        ),
        status: result.status,
      });
      const drop = [...drops].find((prefix) => path.startsWith(prefix));
      if (drop !== undefined) {
        drops.delete(drop);
        request.socket.destroy();
        return;
      }
      send(response, result.status, result.body, result.replayed);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  url = `http://127.0.0.1:${port}`;

  return {
    url,
    host: '127.0.0.1',
    port,
    secretKey,
    webhookSecret,
    requests,
    sessions,
    refunds,
    pay: (sessionId) => payNow(mustGet(sessions, sessionId, 'checkout.session')),
    expire(sessionId) {
      return Object.assign(mustGet(sessions, sessionId, 'checkout.session'), { status: 'expired' as const });
    },
    dropNextAnswer: (prefix) => drops.add(prefix),
    forgetIdempotencyKeys: () => idempotent.clear(),
    revokeKey: () => {
      keyRevoked = true;
    },
    eventBody,
    setWebhookEndpoint: (endpoint) => {
      webhookEndpoint = endpoint;
    },
    webhookDeliveries,
    balanceRows(at) {
      const created = at.toISOString().slice(0, 19).replace('T', ' ');
      const available = new Date(at.getTime() + 2 * 86_400_000).toISOString().slice(0, 10);
      const row = (fields: Record<string, string>) => ({
        created_utc: created,
        available_on_utc: `${available} 00:00:00`,
        automatic_payout_id: '',
        ...fields,
      });
      const charges = [...sessions.values()]
        .filter((session) => session.payment_status === 'paid' && session.payment_intent)
        .map((session) => {
          // 1.5 % + a fixed part, as Stripe's European cards pricing; whole units of the API.
          const fee =
            Math.round(session.amount_total * 0.015) + (ZERO_DECIMAL.has(session.currency) ? 165 : 25);
          const metadata = (session.metadata ?? {}) as Record<string, string>;
          return row({
            balance_transaction_id: `txn_${(session.payment_intent ?? '').slice(8)}`,
            currency: session.currency,
            gross: reportAmount(session.amount_total, session.currency),
            fee: reportAmount(fee, session.currency),
            net: reportAmount(session.amount_total - fee, session.currency),
            reporting_category: 'charge',
            source_id: `ch_${(session.payment_intent ?? '').slice(3)}`,
            description: '',
            customer_facing_amount: reportAmount(session.amount_total, session.currency),
            customer_facing_currency: session.currency,
            payment_intent_id: session.payment_intent ?? '',
            'payment_metadata[checkout_id]': metadata.checkout_id ?? '',
            'payment_metadata[invoice_id]': metadata.invoice_id ?? '',
          });
        });
      const refundRows = [...refunds.values()].map((refund) =>
        row({
          balance_transaction_id: `txn_${refund.id.slice(3)}`,
          currency: String(refund.currency),
          gross: reportAmount(-refund.amount, String(refund.currency)),
          fee: reportAmount(0, String(refund.currency)),
          net: reportAmount(-refund.amount, String(refund.currency)),
          reporting_category: 'refund',
          source_id: refund.id,
          payment_intent_id: refund.payment_intent,
        }),
      );
      return [...charges, ...refundRows];
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * The `Stripe-Signature` header Stripe sends (docs.stripe.com/webhooks#verify-manually): `t` the
 * Unix time, `v1` the hex HMAC-SHA256 of `<t>.<raw body>` keyed by the endpoint's signing secret.
 */
export function stripeSignature(secret: string, rawBody: string, at: Date): string {
  const timestamp = Math.floor(at.getTime() / 1000);
  const mac = createHmac('sha256', secret).update(`${timestamp}.${rawBody}`, 'utf8').digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/** A webhook as Stripe delivers it: the raw body and its headers, signed at `at`. */
export function stripeWebhook(secret: string, rawBody: string, at: Date = new Date()) {
  return {
    rawBody,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'stripe-signature': stripeSignature(secret, rawBody, at),
      'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
    },
  };
}

/** Posts a signed webhook to the node's webhook route (`/api/v1/payments/webhooks/stripe`) at `nodeUrl`. */
export async function sendStripeWebhook(
  nodeUrl: string,
  secret: string,
  rawBody: string,
  at: Date = new Date(),
): Promise<{ status: number; body: unknown }> {
  const webhook = stripeWebhook(secret, rawBody, at);
  const response = await fetch(`${nodeUrl}/api/v1/payments/webhooks/stripe`, {
    method: 'POST',
    headers: webhook.headers,
    body: rawBody,
  });
  return { status: response.status, body: await response.json() };
}

/** `a[b][0][c]=x` as Stripe reads it: nested objects, arrays for numeric indices. */
export function parseForm(raw: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    const path = key.split(/\[|\]\[|\]/).filter((part) => part !== '');
    let node: Record<string, unknown> | unknown[] = root;
    path.forEach((part, index) => {
      const last = index === path.length - 1;
      const slot = node as Record<string, unknown>;
      if (last) slot[part] = value;
      else slot[part] ??= /^\d+$/.test(path[index + 1] ?? '') ? [] : {};
      node = slot[part] as Record<string, unknown>;
    });
  }
  return root;
}

function send(response: ServerResponse, status: number, body: unknown, replayed: boolean): void {
  response.writeHead(status, {
    'content-type': 'application/json',
    'request-id': `req_${randomBytes(7).toString('hex')}`,
    'stripe-version': '2026-11-18.endive',
    ...(replayed ? { 'idempotent-replayed': 'true' } : {}),
  });
  response.end(JSON.stringify(body, null, 2));
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function mustGet<T>(map: Map<string, T>, id: string | undefined, kind: string): T {
  const found = id === undefined ? undefined : map.get(id);
  if (found === undefined) throw new ApiError(404, noSuch(kind, id ?? ''));
  return found;
}

function noSuch(kind: string, id: string) {
  return { type: 'invalid_request_error', code: 'resource_missing', message: `No such ${kind}: '${id}'` };
}

function missing(param: string): ApiError {
  return new ApiError(400, {
    type: 'invalid_request_error',
    code: 'parameter_missing',
    param,
    message: `Missing required param: ${param}.`,
  });
}

function invalid(param: string, message: string, code = 'parameter_invalid_integer'): ApiError {
  return new ApiError(400, { type: 'invalid_request_error', code, param, message });
}
