import { afterEach, describe, expect, it } from 'vitest';
import { type PublicRateLimits, publicApiRoutes } from '../node/http/api/public/index.js';
import type { WebhookRequest } from '../node/services/payments/provider.js';
import { SimulatedProvider } from '../node/services/payments/simulated-provider.js';
import { applicant, TUESDAY_9AM, testClock } from './_util/appointments.js';
import { buildTestNode, type TestNode } from './_util/node-app.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function publicNode(
  limits: Partial<PublicRateLimits> = {},
  simulatedPayments = true,
): Promise<TestNode> {
  const node = await buildTestNode({
    now: testClock().now,
    config: { simulatedPayments },
    plugins: [(app, deps) => publicApiRoutes(app, { ...deps, rateLimits: limits })],
  });
  cleanups.push(node.cleanup);
  return node;
}

/** A file opened online, awaiting payment of its invoice. */
async function fileWithInvoice(node: TestNode) {
  const opened = await node.app.inject({
    method: 'POST',
    url: '/api/v1/files',
    payload: {
      service: 'passport-renewal',
      applicant: { givenNames: 'Amadou', familyName: 'Zanga', birthDate: '1988-03-14' },
    },
  });
  const { trackingNumber } = opened.json();
  const file = node.domain.files.findByTrackingNumber(trackingNumber);
  if (!file) throw new Error('the file was not opened');
  node.domain.files.transition(file.id, { to: 'awaiting_payment' }, 'agent.koyassambia');
  const lines = [{ label: 'Passeport', unitMinor: 12_000, currency: 'EUR' }];
  const invoice = node.domain.payments.createInvoice(
    { serviceCode: 'passport-renewal', fileId: file.id, lines },
    'agent.koyassambia',
  );
  return { trackingNumber, file, invoice };
}

async function checkout(node: TestNode, invoiceId: string) {
  return node.app.inject({ method: 'POST', url: `/api/v1/invoices/${invoiceId}/checkout`, payload: {} });
}

function deliver(node: TestNode, webhook: WebhookRequest, provider = 'simulated') {
  return node.app.inject({
    method: 'POST',
    url: `/api/v1/payments/webhooks/${provider}`,
    headers: webhook.headers as Record<string, string>,
    payload: webhook.rawBody as string,
  });
}

function providerRefOf(redirectUrl: string): string {
  return redirectUrl.split('/').at(-1) ?? '';
}

describe('node public API: online payment', () => {
  it('lists the file’s invoice to its applicant and opens a checkout for it', async () => {
    const node = await publicNode();
    const { trackingNumber, invoice } = await fileWithInvoice(node);
    const details = await node.app.inject({
      method: 'GET',
      url: `/api/v1/files/${trackingNumber}`,
      headers: { 'x-applicant-secret': '1988-03-14' },
    });
    expect(details.json().invoices).toEqual([
      { id: invoice.id, state: 'open', totalMinor: 12_000, currency: 'EUR' },
    ]);
    const started = await checkout(node, invoice.id);
    expect(started.statusCode).toBe(201);
    expect(started.json()).toMatchObject({ provider: 'simulated' });
    expect(started.json().redirectUrl).toMatch(/^https:\/\//);
  });

  it('answers 404 for an unknown invoice or provider, and when online payment is not offered', async () => {
    const node = await publicNode();
    const { invoice } = await fileWithInvoice(node);
    expect((await checkout(node, 'no-such-invoice')).json().error.code).toBe('invoice_not_found');
    const other = await node.app.inject({
      method: 'POST',
      url: `/api/v1/invoices/${invoice.id}/checkout`,
      payload: { provider: 'cinetpay' },
    });
    expect(other.statusCode).toBe(404);
    expect(other.json().error.code).toBe('unknown_provider');
    const offline = await publicNode({}, false);
    const { invoice: offlineInvoice } = await fileWithInvoice(offline);
    expect((await checkout(offline, offlineInvoice.id)).statusCode).toBe(404);
  });

  it('pays the invoice on a signed webhook checked over the exact bytes received', async () => {
    const node = await publicNode();
    const { invoice, file } = await fileWithInvoice(node);
    const ref = providerRefOf((await checkout(node, invoice.id)).json().redirectUrl);
    const provider = node.domain.simulatedProvider as SimulatedProvider;
    const webhook = provider.completeCheckout(ref, { at: node.now(), eventId: 'evt_1' });
    // Spacing JSON would not survive a parse and re-serialisation: the signature is over these bytes.
    const spaced = provider.signedRequest(
      JSON.stringify(JSON.parse(webhook.rawBody as string), null, 2),
      node.now(),
    );
    const response = await deliver(node, spaced);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'applied', outcome: 'paid' });
    expect(node.domain.payments.getInvoice(invoice.id)?.state).toBe('paid');
    expect(node.domain.files.get(file.id)?.state).toBe('in_review');
  });

  it('changes nothing when a webhook is replayed', async () => {
    const node = await publicNode();
    const { invoice } = await fileWithInvoice(node);
    const ref = providerRefOf((await checkout(node, invoice.id)).json().redirectUrl);
    const provider = node.domain.simulatedProvider as SimulatedProvider;
    const webhook = provider.completeCheckout(ref, { at: node.now(), eventId: 'evt_1' });
    expect((await deliver(node, webhook)).json()).toEqual({ status: 'applied', outcome: 'paid' });
    for (let i = 0; i < 2; i++) {
      const replay = await deliver(node, webhook);
      expect(replay.statusCode).toBe(200);
      expect(replay.json()).toEqual({ status: 'duplicate' });
    }
    expect(node.domain.payments.paymentsOfInvoice(invoice.id)).toHaveLength(1);
  });

  it('refuses a forged or altered webhook with 400 webhook_rejected and changes nothing', async () => {
    const node = await publicNode();
    const { invoice } = await fileWithInvoice(node);
    const ref = providerRefOf((await checkout(node, invoice.id)).json().redirectUrl);
    const provider = node.domain.simulatedProvider as SimulatedProvider;
    const genuine = provider.completeCheckout(ref, { at: node.now() });
    const forger = new SimulatedProvider({ secret: 'guessed-secret' });
    const forgeries: WebhookRequest[] = [
      forger.signedRequest(genuine.rawBody as string, node.now()),
      { ...genuine, rawBody: (genuine.rawBody as string).replace('12000', '1') },
      { ...genuine, headers: { 'content-type': 'application/json' } },
    ];
    for (const forged of forgeries) {
      const response = await deliver(node, forged);
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('webhook_rejected');
    }
    expect(node.domain.payments.getInvoice(invoice.id)?.state).toBe('open');
    expect(node.domain.payments.paymentsOfInvoice(invoice.id)).toEqual([]);
    expect(node.domain.payments.webhookRejections()).toHaveLength(3);
  });

  it('answers 404 to a webhook of a provider the node does not have', async () => {
    const node = await publicNode();
    const response = await node.app.inject({
      method: 'POST',
      url: '/api/v1/payments/webhooks/cinetpay',
      headers: { 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('unknown_provider');
  });
});

describe('node public API: rate limits', () => {
  it('answers 429 rate_limited to the 11th lookup with a secret in a minute, not to status checks', async () => {
    const node = await publicNode();
    const { trackingNumber } = await fileWithInvoice(node);
    const url = `/api/v1/files/${trackingNumber}`;
    const guess = (day: number) =>
      node.app.inject({
        method: 'GET',
        url,
        headers: { 'x-applicant-secret': `1988-03-${String(day).padStart(2, '0')}` },
      });
    // The right date each time: wrong ones would lock the file after five (lookup_locked), whatever the address.
    for (let n = 1; n <= 10; n++) expect((await guess(14)).statusCode).toBe(200);
    const limited = await guess(14);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('rate_limited');
    expect((await node.app.inject({ method: 'GET', url })).statusCode).toBe(200);
  });

  it('limits code guessing and bookings per client address', async () => {
    const node = await publicNode({ confirm: 3, booking: 2 });
    const book = (n: number) =>
      node.app.inject({
        method: 'POST',
        url: '/api/v1/appointments',
        payload: { service: 'passport-renewal', slotStart: TUESDAY_9AM, ...applicant(n) },
      });
    const { reference } = (await book(1)).json();
    expect((await book(2)).statusCode).toBe(201);
    expect((await book(3)).statusCode).toBe(429);
    const confirm = () =>
      node.app.inject({
        method: 'POST',
        url: `/api/v1/appointments/${reference}/confirm`,
        payload: { code: '000000' },
      });
    for (let i = 0; i < 3; i++) expect((await confirm()).statusCode).not.toBe(429);
    expect((await confirm()).statusCode).toBe(429);
  });
});
