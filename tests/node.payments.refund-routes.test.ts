import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { pageUser, staffApps } from './_util/backoffice-pages.js';
import type { StaffApp } from './_util/staff-app.js';
import { type StripeTestServer, startStripeTestServer, stripeWebhook } from './_util/stripe-test-server.js';

// The staff app builds its domain without providers' secrets: this node enables Stripe, through a
// gate in front of the local Stripe server that the test can close (Stripe down or refusing).
const stripe = vi.hoisted(() => ({
  server: undefined as { secretKey: string; webhookSecret: string } | undefined,
  gateUrl: '',
}));
vi.mock('../node/services/domain.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../node/services/domain.js')>();
  return {
    ...original,
    createDomain: (...args: Parameters<typeof original.createDomain>) => {
      const [store, config, now] = args;
      const { server, gateUrl } = stripe;
      if (!server) return original.createDomain(...args);
      return original.createDomain(
        store,
        { ...config, simulatedPayments: true, stripe: { apiUrl: gateUrl, toleranceSeconds: 300 } },
        now,
        {
          stripe: { secretKey: server.secretKey, webhookSecret: server.webhookSecret },
        },
      );
    },
  };
});

const apps = staffApps();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await apps.closeAll();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  stripe.server = undefined;
});

/** Forwards to Stripe's test server while open; closed, answers as Stripe does when it refuses. */
async function startGate(target: StripeTestServer): Promise<{ url: string; open: boolean }> {
  const gate = { url: '', open: true };
  const server: Server = createServer((request, response) => {
    if (!gate.open) {
      response.writeHead(500, { 'content-type': 'application/json', 'stripe-should-retry': 'false' });
      response.end(JSON.stringify({ error: { type: 'api_error', message: 'Something went wrong.' } }));
      return;
    }
    const forward = httpRequest(
      {
        host: target.host,
        port: target.port,
        path: request.url,
        method: request.method,
        headers: request.headers,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    request.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  gate.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return gate;
}

async function stripeStaffApp() {
  const server = await startStripeTestServer();
  cleanups.push(server.close);
  const gate = await startGate(server);
  stripe.server = server;
  stripe.gateUrl = gate.url;
  const s = await apps.open();
  return { s, server, gate };
}

/** A 12 000 XAF invoice paid by card through Stripe; the payment's id. */
async function paidByCard(
  s: StaffApp,
  server: StripeTestServer,
): Promise<{ paymentId: string; invoiceId: string }> {
  const { payments } = s.domain;
  const invoice = payments.createInvoice(
    { serviceCode: 'passport-renewal', lines: [{ label: 'Passeport', unitMinor: 12_000, currency: 'XAF' }] },
    'system:portal',
  );
  const checkout = await payments.startCheckout({
    invoiceId: invoice.id,
    provider: 'stripe',
    returnUrl: 'https://paris.example.org/paiement/retour',
  });
  server.pay(checkout.providerRef);
  const body = server.eventBody('checkout.session.completed', checkout.providerRef);
  const result = payments.applyWebhook('stripe', stripeWebhook(server.webhookSecret, body, s.clock.now()));
  expect(result).toMatchObject({ status: 'applied', outcome: 'paid' });
  const [payment] = payments.paymentsOfInvoice(invoice.id);
  return { paymentId: payment!.id, invoiceId: invoice.id };
}

const refundsAtStripe = (server: StripeTestServer) => [...server.refunds.values()];

describe('staff API: a refund of a card payment goes to Stripe once recorded', () => {
  it('records the refund and sends it to Stripe in the same request', async () => {
    const { s, server } = await stripeStaffApp();
    const { paymentId } = await paidByCard(s, server);
    const { cookie } = await s.login(await s.enrolled('ngaba', ['consul']));
    const response = await s.app.inject({
      method: 'POST',
      url: '/api/v1/staff/refunds',
      headers: { cookie },
      payload: {
        paymentId,
        amountMinor: 5_000,
        currency: 'XAF',
        reason: 'Timbre non dû',
        method: 'provider',
      },
    });
    expect(response.statusCode).toBe(201);
    const refund = response.json();
    expect(refund).toMatchObject({ method: 'provider', amountMinor: 5_000 });
    expect(refund.providerRefund).toMatchObject({ sent: true, refund: { status: 'succeeded' } });
    expect(refundsAtStripe(server)).toHaveLength(1);
    expect(refundsAtStripe(server)[0]).toMatchObject({
      amount: 5_000,
      metadata: { econsulat_refund_id: refund.id },
    });
  });

  it('keeps the refund recorded when Stripe fails, says so, and sends it once when asked again', async () => {
    const { s, server, gate } = await stripeStaffApp();
    const { paymentId } = await paidByCard(s, server);
    const { cookie } = await s.login(await s.enrolled('ngaba', ['consul']));
    gate.open = false;
    const response = await s.app.inject({
      method: 'POST',
      url: '/api/v1/staff/refunds',
      headers: { cookie },
      payload: {
        paymentId,
        amountMinor: 12_000,
        currency: 'XAF',
        reason: 'Dossier annulé',
        method: 'provider',
      },
    });
    expect(response.statusCode).toBe(201);
    const refund = response.json();
    expect(refund.providerRefund).toMatchObject({ sent: false, reason: 'provider_error' });
    expect(refund.providerRefund.message).toMatch(/^stripe: could not .* \(500 /);
    expect(s.domain.payments.getPayment(paymentId)?.refundedMinor).toBe(12_000);
    expect(refundsAtStripe(server)).toHaveLength(0);

    const stillDown = await s.app.inject({
      method: 'POST',
      url: `/api/v1/staff/refunds/${refund.id}/send`,
      headers: { cookie },
    });
    expect(stillDown.statusCode).toBe(502);
    expect(stillDown.json()).toMatchObject({ sent: false, reason: 'provider_error' });

    gate.open = true;
    for (const attempt of [1, 2]) {
      const sent = await s.app.inject({
        method: 'POST',
        url: `/api/v1/staff/refunds/${refund.id}/send`,
        headers: { cookie },
      });
      expect(sent.statusCode, `attempt ${attempt}`).toBe(200);
      expect(sent.json()).toMatchObject({ sent: true, refund: { status: 'succeeded' } });
    }
    expect(refundsAtStripe(server)).toHaveLength(1);
    expect(refundsAtStripe(server)[0]?.amount).toBe(12_000);
  });

  it('refuses to send a cash refund or an unknown one to a provider', async () => {
    const { s } = await stripeStaffApp();
    const { cookie } = await s.login(await s.enrolled('ngaba', ['consul']));
    const unknown = await s.app.inject({
      method: 'POST',
      url: '/api/v1/staff/refunds/6f1c2b9e-1d2a-4c3b-9e8f-0a1b2c3d4e5f/send',
      headers: { cookie },
    });
    expect(unknown.statusCode).toBe(404);
    const agent = await s.login(await s.enrolled('yakite', ['agent']));
    const byAgent = await s.app.inject({
      method: 'POST',
      url: '/api/v1/staff/refunds/6f1c2b9e-1d2a-4c3b-9e8f-0a1b2c3d4e5f/send',
      headers: { cookie: agent.cookie },
    });
    expect(byAgent.statusCode).toBe(403);
  });
});

describe('refunds of a provider without a refund API', () => {
  it('records them, and says the money goes back by hand, in the API and on the page', async () => {
    const { s } = await stripeStaffApp();
    const { payments, simulatedProvider } = s.domain;
    const invoice = payments.createInvoice(
      {
        serviceCode: 'passport-renewal',
        lines: [{ label: 'Passeport', unitMinor: 12_000, currency: 'XAF' }],
      },
      'system:portal',
    );
    const checkout = await payments.startCheckout({ invoiceId: invoice.id, provider: 'simulated' });
    const paid = simulatedProvider!.completeCheckout(checkout.providerRef, { at: s.clock.now() });
    expect(payments.applyWebhook('simulated', paid)).toMatchObject({ outcome: 'paid' });
    const [payment] = payments.paymentsOfInvoice(invoice.id);
    const { cookie } = await s.login(await s.enrolled('ngaba', ['consul']));
    const response = await s.app.inject({
      method: 'POST',
      url: '/api/v1/staff/refunds',
      headers: { cookie },
      payload: {
        paymentId: payment!.id,
        amountMinor: 2_000,
        currency: 'XAF',
        reason: 'Timbre non dû',
        method: 'provider',
      },
    });
    expect(response.statusCode).toBe(201);
    expect(response.json().providerRefund).toEqual({ sent: false, reason: 'not_sendable' });
    const again = await s.app.inject({
      method: 'POST',
      url: `/api/v1/staff/refunds/${response.json().id}/send`,
      headers: { cookie },
    });
    expect(again.statusCode).toBe(409);
    const consul = await pageUser(s, await s.enrolled('kette', ['consul']));
    const invoicePage = `/staff/factures/${invoice.id}`;
    const byPage = await consul.submit(invoicePage, `/staff/paiements/${payment!.id}/remboursement`, {
      amount: '1 000',
      reason: 'Timbre non dû',
    });
    expect(byPage.headers.location).toBe(`${invoicePage}?ok=refund_manual`);
    expect((await consul.get(String(byPage.headers.location))).body).toContain('par un autre moyen');
    expect(payments.getPayment(payment!.id)?.refundedMinor).toBe(3_000);
  });
});

describe('back office: a refund of a card payment goes to Stripe once recorded', () => {
  it('sends it, and says so on the invoice', async () => {
    const { s, server } = await stripeStaffApp();
    const { paymentId, invoiceId } = await paidByCard(s, server);
    const consul = await pageUser(s, await s.enrolled('ngaba', ['consul']));
    const invoicePage = `/staff/factures/${invoiceId}`;
    const response = await consul.submit(invoicePage, `/staff/paiements/${paymentId}/remboursement`, {
      amount: '4 000',
      reason: 'Timbre non dû',
    });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(`${invoicePage}?ok=refund_sent`);
    const page = await consul.get(String(response.headers.location));
    expect(page.body).toContain('transmis au prestataire');
    expect(refundsAtStripe(server).map((refund) => refund.amount)).toEqual([4_000]);
  });

  it('keeps it recorded when Stripe fails, says to send it again, and the second sending refunds once', async () => {
    const { s, server, gate } = await stripeStaffApp();
    const { paymentId, invoiceId } = await paidByCard(s, server);
    const consul = await pageUser(s, await s.enrolled('ngaba', ['consul']));
    const invoicePage = `/staff/factures/${invoiceId}`;
    gate.open = false;
    const response = await consul.submit(invoicePage, `/staff/paiements/${paymentId}/remboursement`, {
      amount: '12 000',
      reason: 'Dossier annulé',
    });
    expect(response.headers.location).toBe(`${invoicePage}?ok=refund_not_sent`);
    const page = await consul.get(String(response.headers.location));
    expect(page.body).toContain('ne l’a pas accepté ou n’a pas répondu');
    expect(page.body).toContain('Renvoyer au prestataire');
    expect(s.domain.payments.getPayment(paymentId)?.refundedMinor).toBe(12_000);
    const [refund] = s.domain.payments.refundsOfInvoice(invoiceId);
    expect(refundsAtStripe(server)).toHaveLength(0);

    gate.open = true;
    for (const attempt of [1, 2]) {
      const again = await consul.submit(invoicePage, `/staff/remboursements/${refund!.id}/envoi`, {
        invoice: invoiceId,
      });
      expect(again.headers.location, `attempt ${attempt}`).toBe(`${invoicePage}?ok=refund_sent`);
    }
    expect(refundsAtStripe(server).map((made) => made.amount)).toEqual([12_000]);
  });
});
