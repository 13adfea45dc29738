import { afterEach, describe, expect, it } from 'vitest';
import { createPaymentService, type PaymentService } from '../node/services/payments/payment-service.js';
import { StripeProvider } from '../node/services/payments/providers/stripe-provider.js';
import { SimulatedProvider } from '../node/services/payments/simulated-provider.js';
import { openTempStore, type TempStore } from './_util/node-store.js';
import { type StripeTestServer, startStripeTestServer } from './_util/stripe-test-server.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const RETURN_URL = 'https://paris.consulat-rca.example/paiement/retour/facture';

interface Setup extends TempStore {
  server: StripeTestServer;
  payments: PaymentService;
  simulated: SimulatedProvider;
}

async function setup(): Promise<Setup> {
  const server = await startStripeTestServer();
  cleanups.push(server.close);
  const temp = await openTempStore();
  cleanups.push(temp.cleanup);
  const stripe = new StripeProvider({
    secretKey: server.secretKey,
    webhookSecret: server.webhookSecret,
    api: { host: server.host, port: server.port, protocol: 'http' },
  });
  const simulated = new SimulatedProvider({ secret: 'a-simulated-webhook-secret' });
  const payments = createPaymentService({
    store: temp.store,
    receiptPrefix: 'PAR',
    timeZone: 'Europe/Paris',
    providers: [stripe, simulated],
    now: () => new Date(),
  });
  return { ...temp, server, payments, simulated };
}

function openInvoice(s: Setup) {
  return s.payments.createInvoice(
    { serviceCode: 'passport-renewal', lines: [{ label: 'Passeport', unitMinor: 25_000, currency: 'XAF' }] },
    'system:portal',
  );
}

const checkoutsOf = (s: Setup, invoiceId: string) =>
  s.store.db.prepare('SELECT id, provider, state FROM checkouts WHERE invoice_id = ?').all(invoiceId);
const sessionsCreated = (s: Setup) =>
  s.server.requests.filter(
    (request) => request.method === 'POST' && request.path === '/v1/checkout/sessions',
  );

describe('node payments: double clicks on “pay”', () => {
  it('gives two concurrent starts of one invoice the same checkout and one Stripe session', async () => {
    const s = await setup();
    const invoice = openInvoice(s);
    const start = () =>
      s.payments.startCheckout({ invoiceId: invoice.id, provider: 'stripe', returnUrl: RETURN_URL });
    const [first, second] = await Promise.all([start(), start()]);
    expect(second).toEqual(first);
    expect(checkoutsOf(s, invoice.id)).toHaveLength(1);
    expect(sessionsCreated(s)).toHaveLength(1);
    expect(s.server.sessions.size).toBe(1);
  });

  it('gives a later start the checkout still pending, and a new one once Stripe expired it', async () => {
    const s = await setup();
    const invoice = openInvoice(s);
    const start = () =>
      s.payments.startCheckout({ invoiceId: invoice.id, provider: 'stripe', returnUrl: RETURN_URL });
    const first = await start();
    const again = await start();
    expect(again).toEqual(first);
    expect(sessionsCreated(s)).toHaveLength(1);

    s.server.expire(first.providerRef);
    const renewed = await start();
    expect(renewed.checkoutId).not.toBe(first.checkoutId);
    expect(renewed.providerRef).not.toBe(first.providerRef);
    expect(sessionsCreated(s)).toHaveLength(2);
    expect(await start()).toEqual(renewed);
  });

  it('keeps one pending checkout per provider: another provider opens its own', async () => {
    const s = await setup();
    const invoice = openInvoice(s);
    const [card, simulatedA, simulatedB] = await Promise.all([
      s.payments.startCheckout({ invoiceId: invoice.id, provider: 'stripe', returnUrl: RETURN_URL }),
      s.payments.startCheckout({ invoiceId: invoice.id, provider: 'simulated' }),
      s.payments.startCheckout({ invoiceId: invoice.id, provider: 'simulated' }),
    ]);
    expect(simulatedB).toEqual(simulatedA);
    expect(card.checkoutId).not.toBe(simulatedA.checkoutId);
    expect(checkoutsOf(s, invoice.id)).toHaveLength(2);
  });

  it('opens a new checkout after a failed one, and none for an invoice paid meanwhile', async () => {
    const s = await setup();
    const invoice = openInvoice(s);
    const first = await s.payments.startCheckout({ invoiceId: invoice.id, provider: 'simulated' });
    const failed = s.simulated.completeCheckout(first.providerRef, { type: 'payment.failed' });
    expect(s.payments.applyWebhook('simulated', failed)).toMatchObject({ outcome: 'failed' });
    const second = await s.payments.startCheckout({ invoiceId: invoice.id, provider: 'simulated' });
    expect(second.checkoutId).not.toBe(first.checkoutId);
    const paid = s.simulated.completeCheckout(second.providerRef);
    expect(s.payments.applyWebhook('simulated', paid)).toMatchObject({ outcome: 'paid' });
    await expect(
      s.payments.startCheckout({ invoiceId: invoice.id, provider: 'simulated' }),
    ).rejects.toMatchObject({
      code: 'invoice_not_open',
    });
  });
});
