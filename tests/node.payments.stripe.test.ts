import Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileService, type FileService } from '../node/services/files/file-service.js';
import { createPaymentService, type PaymentService } from '../node/services/payments/payment-service.js';
import { StripeProvider } from '../node/services/payments/providers/stripe-provider.js';
import { createPeopleRepository } from '../node/services/people/people-repository.js';
import { openTempStore, type TempStore } from './_util/node-store.js';
import { type StripeTestServer, startStripeTestServer, stripeWebhook } from './_util/stripe-test-server.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const RETURN_URL = 'https://paris.consulat-rca.example/paiement/retour/facture';

interface Setup extends TempStore {
  server: StripeTestServer;
  stripe: StripeProvider;
  files: FileService;
  payments: PaymentService;
  clock: { now: Date };
}

async function setup(): Promise<Setup> {
  const server = await startStripeTestServer();
  cleanups.push(server.close);
  const temp = await openTempStore();
  cleanups.push(temp.cleanup);
  const clock = { now: new Date('2026-03-02T09:00:00.000Z') };
  const now = () => clock.now;
  const people = createPeopleRepository({ store: temp.store, defaultRegion: 'FR', now });
  const files = createFileService({
    store: temp.store,
    people,
    trackingPrefix: 'PAR',
    defaultRegion: 'FR',
    now,
  });
  const stripe = new StripeProvider({
    secretKey: server.secretKey,
    webhookSecret: server.webhookSecret,
    api: { host: server.host, port: server.port, protocol: 'http' },
  });
  const payments = createPaymentService({
    store: temp.store,
    receiptPrefix: 'PAR',
    timeZone: 'Europe/Paris',
    files,
    people,
    providers: [stripe],
    now,
  });
  return { ...temp, server, stripe, files, payments, clock };
}

/** A file awaiting payment of an invoice, and a Stripe checkout opened for it. */
async function awaitingCardPayment(s: Setup, fee = { unitMinor: 12_000, currency: 'EUR' }) {
  const people = createPeopleRepository({ store: s.store, defaultRegion: 'FR' });
  const person = people.create({ givenNames: 'Amadou', familyName: 'Zanga', phone: '+33612345678' }, 'web');
  const file = s.files.open(
    { personId: person.id, serviceCode: 'passport-renewal', channel: 'online' },
    'web',
  );
  s.files.transition(file.id, { to: 'awaiting_payment' }, 'system:portal');
  const invoice = s.payments.createInvoice(
    { serviceCode: 'passport-renewal', fileId: file.id, lines: [{ label: 'Passeport', ...fee }] },
    'system:portal',
  );
  const checkout = await s.payments.startCheckout({
    invoiceId: invoice.id,
    provider: 'stripe',
    returnUrl: RETURN_URL,
  });
  return { file, invoice, checkout };
}

function deliver(s: Setup, body: string, at = s.clock.now) {
  return s.payments.applyWebhook('stripe', stripeWebhook(s.server.webhookSecret, body, at));
}

// What a payment leaves behind, counted (rows, receipt numbers drawn, SMS), not told apart by id.
function effects(s: Setup) {
  const all = (sql: string) => s.store.db.prepare(sql).all();
  return {
    payments: all('SELECT count(*) AS n FROM payments'),
    receiptNumbers: all("SELECT last_value FROM number_series WHERE series = 'receipt'"),
    receiptSms: all("SELECT count(*) AS n FROM sms_outbox WHERE purpose = 'payment_receipt'"),
    invoices: all('SELECT id, state FROM invoices ORDER BY id'),
    checkouts: all('SELECT id, state FROM checkouts ORDER BY id'),
    files: all('SELECT id, state FROM files ORDER BY id'),
    outbox: all('SELECT count(*) AS n FROM outbox'),
    audit: all('SELECT count(*) AS n FROM audit_log'),
    events: all('SELECT count(*) AS n FROM webhook_events'),
  };
}

describe('node payments: Stripe Checkout', () => {
  it('opens a Checkout Session for the invoice, then a signed completed event pays it with one receipt', async () => {
    const s = await setup();
    const { file, invoice, checkout } = await awaitingCardPayment(s);
    const session = s.server.sessions.get(checkout.providerRef);
    expect(checkout.redirectUrl).toBe(`${s.server.url}/c/pay/${checkout.providerRef}`);
    expect(session).toMatchObject({
      mode: 'payment',
      amount_total: 12_000,
      currency: 'eur',
      client_reference_id: checkout.checkoutId,
      metadata: { invoice_id: invoice.id, checkout_id: checkout.checkoutId },
      success_url: RETURN_URL,
      cancel_url: RETURN_URL,
    });
    const create = s.server.requests.find((request) => request.path === '/v1/checkout/sessions');
    expect(create).toMatchObject({
      method: 'POST',
      authorization: `Bearer ${s.server.secretKey}`,
      idempotencyKey: `econsulat-checkout-${checkout.checkoutId}`,
      params: {
        line_items: [{ quantity: '1', price_data: { currency: 'eur', unit_amount: '12000' } }],
        payment_intent_data: { metadata: { invoice_id: invoice.id } },
      },
    });

    s.server.pay(checkout.providerRef);
    const result = deliver(s, s.server.eventBody('checkout.session.completed', checkout.providerRef));
    expect(result).toMatchObject({ status: 'applied', outcome: 'paid' });
    expect(s.payments.getInvoice(invoice.id)?.state).toBe('paid');
    expect(s.payments.paymentsOfInvoice(invoice.id)).toMatchObject([
      {
        method: 'online',
        provider: 'stripe',
        providerRef: checkout.providerRef,
        amountMinor: 12_000,
        currency: 'EUR',
      },
    ]);
    expect(s.files.get(file.id)?.state).toBe('in_review');
    expect(effects(s)).toMatchObject({
      payments: [{ n: 1 }],
      receiptNumbers: [{ last_value: 1 }],
      receiptSms: [{ n: 1 }],
    });
  });

  it('applies a payment once however often and in whatever order its events come', async () => {
    const s = await setup();
    const { checkout } = await awaitingCardPayment(s);
    s.server.pay(checkout.providerRef);
    const completed = s.server.eventBody('checkout.session.completed', checkout.providerRef, { id: 'evt_1' });
    expect(deliver(s, completed)).toMatchObject({ status: 'applied', outcome: 'paid' });
    const after = effects(s);
    // Stripe's retries of the same event, then other events about the same session.
    expect(deliver(s, completed)).toEqual({ status: 'duplicate', eventId: 'evt_1' });
    expect(deliver(s, completed, new Date(s.clock.now.getTime() + 60_000))).toEqual({
      status: 'duplicate',
      eventId: 'evt_1',
    });
    for (const type of ['checkout.session.completed', 'checkout.session.async_payment_succeeded']) {
      expect(deliver(s, s.server.eventBody(type, checkout.providerRef))).toMatchObject({
        status: 'applied',
        outcome: 'checkout_settled',
      });
    }
    const expired = s.server.eventBody('checkout.session.expired', checkout.providerRef);
    expect(deliver(s, expired)).toMatchObject({ status: 'applied', outcome: 'checkout_settled' });
    const { events, ...rest } = effects(s);
    const { events: _before, ...before } = after;
    expect(rest).toEqual(before);
    expect(events).toEqual([{ n: 4 }]);
  });

  it('applies the event Stripe delivers again after a failure before our commit, once', async () => {
    const s = await setup();
    const { invoice, checkout } = await awaitingCardPayment(s);
    s.server.pay(checkout.providerRef);
    const body = s.server.eventBody('checkout.session.completed', checkout.providerRef);
    const before = effects(s);
    // The last write of the webhook's transaction fails, as a crash there would: nothing stays.
    s.store.db.exec(
      "CREATE TEMP TRIGGER crash BEFORE INSERT ON webhook_events BEGIN SELECT RAISE(ABORT, 'crash'); END",
    );
    expect(() => deliver(s, body)).toThrow(/crash/);
    expect(effects(s)).toEqual(before);
    s.store.db.exec('DROP TRIGGER crash');
    // Stripe retries an event it got no 2xx for (docs.stripe.com/webhooks#retries).
    expect(deliver(s, body)).toMatchObject({ status: 'applied', outcome: 'paid' });
    expect(deliver(s, body)).toMatchObject({ status: 'duplicate' });
    expect(s.payments.paymentsOfInvoice(invoice.id)).toHaveLength(1);
    expect(effects(s)).toMatchObject({
      payments: [{ n: 1 }],
      receiptNumbers: [{ last_value: 1 }],
      receiptSms: [{ n: 1 }],
    });
  });

  it('takes a session completed unpaid as nothing yet, and its delayed payment when it succeeds', async () => {
    const s = await setup();
    const { invoice, checkout } = await awaitingCardPayment(s);
    expect(deliver(s, s.server.eventBody('checkout.session.completed', checkout.providerRef))).toMatchObject({
      status: 'applied',
      outcome: 'ignored',
    });
    expect(s.payments.getInvoice(invoice.id)?.state).toBe('open');
    s.server.pay(checkout.providerRef);
    const succeeded = s.server.eventBody('checkout.session.async_payment_succeeded', checkout.providerRef);
    expect(deliver(s, succeeded)).toMatchObject({ status: 'applied', outcome: 'paid' });
  });

  it('marks the checkout failed when the session expires or its delayed payment fails', async () => {
    const s = await setup();
    for (const type of ['checkout.session.expired', 'checkout.session.async_payment_failed']) {
      const { invoice, checkout } = await awaitingCardPayment(s);
      // A failure needs no amount: a session without one still fails the checkout.
      Object.assign(s.server.sessions.get(checkout.providerRef) ?? {}, { amount_total: null });
      expect(deliver(s, s.server.eventBody(type, checkout.providerRef))).toMatchObject({
        status: 'applied',
        outcome: 'failed',
      });
      expect(s.payments.getInvoice(invoice.id)?.state).toBe('open');
    }
    expect(effects(s).payments).toEqual([{ n: 0 }]);
  });

  it('answers event types it does not act on without error, once', async () => {
    const s = await setup();
    const { checkout } = await awaitingCardPayment(s);
    const before = effects(s);
    const body = JSON.stringify({
      id: 'evt_other',
      object: 'event',
      type: 'customer.created',
      created: Math.floor(s.clock.now.getTime() / 1000),
      data: { object: { id: 'cus_1', object: 'customer' } },
    });
    expect(deliver(s, body)).toEqual({ status: 'applied', eventId: 'evt_other', outcome: 'ignored' });
    expect(deliver(s, body)).toEqual({ status: 'duplicate', eventId: 'evt_other' });
    expect(effects(s)).toEqual({ ...before, events: [{ n: 1 }] });
    expect(s.server.sessions.get(checkout.providerRef)?.payment_status).toBe('unpaid');
  });

  it('refuses a forged, stale or malformed webhook and applies nothing', async () => {
    const s = await setup();
    const { checkout } = await awaitingCardPayment(s);
    s.server.pay(checkout.providerRef);
    const body = s.server.eventBody('checkout.session.completed', checkout.providerRef);
    const before = effects(s);
    const genuine = stripeWebhook(s.server.webhookSecret, body, s.clock.now);
    const refused = [
      ['bad_signature', stripeWebhook('whsec_guessed', body, s.clock.now)],
      ['bad_signature', { ...genuine, rawBody: body.replace('"amount_total": 12000', '"amount_total": 1') }],
      ['bad_signature', { ...genuine, headers: {} }],
      ['bad_signature', { ...genuine, headers: { 'stripe-signature': 't=abc,v1=00' } }],
      [
        'stale_timestamp',
        stripeWebhook(s.server.webhookSecret, body, new Date(s.clock.now.getTime() - 301_000)),
      ],
      [
        'stale_timestamp',
        stripeWebhook(s.server.webhookSecret, body, new Date(s.clock.now.getTime() - 86_400_000)),
      ],
      ['malformed', stripeWebhook(s.server.webhookSecret, '{"id": "evt_1", "object"', s.clock.now)],
      ['malformed', stripeWebhook(s.server.webhookSecret, '{"hello": 1}', s.clock.now)],
      [
        'malformed',
        stripeWebhook(
          s.server.webhookSecret,
          body.replace('"object": "checkout.session"', '"object": "payment_intent"'),
          s.clock.now,
        ),
      ],
    ] as const;
    for (const [reason, webhook] of refused) {
      expect([reason, s.payments.applyWebhook('stripe', webhook)]).toEqual([
        reason,
        { status: 'rejected', reason },
      ]);
    }
    expect(effects(s)).toEqual(before);
    expect(s.payments.webhookRejections()).toHaveLength(refused.length);
    // Within the tolerance (300 s, as Stripe's library), the same event is taken.
    const late = stripeWebhook(s.server.webhookSecret, body, new Date(s.clock.now.getTime() - 299_000));
    expect(s.payments.applyWebhook('stripe', late)).toMatchObject({ status: 'applied', outcome: 'paid' });
  });

  it('makes one session for one checkout, whether we retry or the library does after a lost answer', async () => {
    const s = await setup();
    const request = {
      checkoutId: '0b9b6d5e-1c1f-4f3e-9a57-3f5b2b7f0c11',
      invoiceId: 'inv-1',
      amountMinor: 25_000,
      currency: 'XAF',
      description: 'passport-renewal inv-1',
      returnUrl: RETURN_URL,
    };
    s.server.dropNextAnswer('/v1/checkout/sessions');
    const first = await s.stripe.createCheckout(request);
    const again = await s.stripe.createCheckout(request);
    expect(again).toEqual(first);
    expect(s.server.sessions.size).toBe(1);
    const creates = s.server.requests.filter((r) => r.path === '/v1/checkout/sessions');
    expect(creates.map((r) => r.idempotencyKey)).toEqual(
      Array(3).fill(`econsulat-checkout-${request.checkoutId}`),
    );
    const other = await s.stripe.createCheckout({
      ...request,
      checkoutId: 'c6f1b1d0-7a43-4d7e-8f0e-5d2a9c3b4e21',
    });
    expect(other.providerRef).not.toBe(first.providerRef);
    expect(s.server.sessions.size).toBe(2);
  });

  it.each([
    ['XAF', 25_000, 25_000],
    ['EUR', 12_050, 12_050],
    ['MGA', 150_000, 1_500],
  ])(
    'charges %s %i minor units as %i, as Stripe counts them, and books the same amount back',
    async (currency, amountMinor, stripeAmount) => {
      const s = await setup();
      const { invoice, checkout } = await awaitingCardPayment(s, { unitMinor: amountMinor, currency });
      const session = s.server.sessions.get(checkout.providerRef);
      expect(session).toMatchObject({ amount_total: stripeAmount, currency: currency.toLowerCase() });
      s.server.pay(checkout.providerRef);
      expect(
        deliver(s, s.server.eventBody('checkout.session.completed', checkout.providerRef)),
      ).toMatchObject({
        outcome: 'paid',
      });
      expect(s.payments.paymentsOfInvoice(invoice.id)).toMatchObject([{ amountMinor, currency }]);
    },
  );

  it('records nothing when the amount Stripe took differs from the checkout’s', async () => {
    const s = await setup();
    const { invoice, checkout } = await awaitingCardPayment(s);
    const session = s.server.pay(checkout.providerRef);
    session.amount_total = 100;
    expect(deliver(s, s.server.eventBody('checkout.session.completed', checkout.providerRef))).toMatchObject({
      outcome: 'amount_mismatch',
    });
    expect(s.payments.getInvoice(invoice.id)?.state).toBe('open');
  });

  it('sends a refund once, whatever the retries, lost answers and expired idempotency keys', async () => {
    const s = await setup();
    const { invoice, checkout } = await awaitingCardPayment(s);
    s.server.pay(checkout.providerRef);
    deliver(s, s.server.eventBody('checkout.session.completed', checkout.providerRef));
    const [payment] = s.payments.paymentsOfInvoice(invoice.id);
    const refund = s.payments.recordRefund(
      {
        paymentId: payment?.id ?? '',
        amountMinor: 4_000,
        currency: 'EUR',
        reason: 'frais trop perçus',
        method: 'provider',
      },
      'consul.ngaba',
    );
    s.server.dropNextAnswer('/v1/refunds');
    const sent = await s.payments.sendProviderRefund(refund.id);
    const twice = await Promise.all([
      s.payments.sendProviderRefund(refund.id),
      s.payments.sendProviderRefund(refund.id),
    ]);
    s.server.forgetIdempotencyKeys();
    const dayAfter = await s.payments.sendProviderRefund(refund.id);
    expect([...twice, dayAfter]).toEqual([sent, sent, sent]);
    expect([...s.server.refunds.values()]).toMatchObject([
      {
        id: sent.providerRefundRef,
        amount: 4_000,
        currency: 'eur',
        metadata: { econsulat_refund_id: refund.id },
      },
    ]);
    const creates = s.server.requests.filter((r) => r.method === 'POST' && r.path === '/v1/refunds');
    expect(new Set(creates.map((r) => r.idempotencyKey))).toEqual(new Set([`econsulat-refund-${refund.id}`]));
    // A second refund of the same payment is another refund.
    const rest = s.payments.recordRefund(
      {
        paymentId: payment?.id ?? '',
        amountMinor: 8_000,
        currency: 'EUR',
        reason: 'dossier annulé',
        method: 'provider',
      },
      'consul.ngaba',
    );
    await s.payments.sendProviderRefund(rest.id);
    expect([...s.server.refunds.values()].map((r) => r.amount)).toEqual([4_000, 8_000]);
  });

  it('says which call Stripe refused, with its status and type but not its message', async () => {
    const s = await setup();
    const wrongKey = new StripeProvider({
      secretKey: 'sk_test_not_the_servers_key_000000',
      webhookSecret: s.server.webhookSecret,
      api: { host: s.server.host, port: s.server.port, protocol: 'http' },
    });
    const error = await wrongKey
      .createCheckout({
        checkoutId: 'c1',
        invoiceId: 'i1',
        amountMinor: 100,
        currency: 'EUR',
        description: 'x',
        returnUrl: RETURN_URL,
      })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'ProviderCallError', status: 401 });
    expect(String((error as Error).message)).toMatch(/^stripe: could not create a Checkout Session \(401 /);
    expect(String((error as Error).message)).not.toContain('not_the_servers_key');
    expect(s.server.sessions.size).toBe(0);
  });

  it('has a test server that answers Stripe’s library as Stripe does: errors, idempotency, lookups', async () => {
    const s = await setup();
    const api = { host: s.server.host, port: s.server.port, protocol: 'http' as const, maxNetworkRetries: 0 };
    const stripe = new Stripe(s.server.secretKey, api);
    const params = {
      mode: 'payment' as const,
      success_url: RETURN_URL,
      line_items: [
        { quantity: 1, price_data: { currency: 'xaf', unit_amount: 5_000, product_data: { name: 'x' } } },
      ],
    };
    const failure = (promise: Promise<unknown>) =>
      promise.then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(
      await failure(stripe.checkout.sessions.create({ ...params, success_url: undefined })),
    ).toMatchObject({
      type: 'StripeInvalidRequestError',
      statusCode: 400,
      code: 'parameter_missing',
      param: 'success_url',
    });
    const created = await stripe.checkout.sessions.create(params, { idempotencyKey: 'k1' });
    expect(await stripe.checkout.sessions.retrieve(created.id)).toMatchObject({
      id: created.id,
      amount_total: 5_000,
    });
    expect(
      await failure(
        stripe.checkout.sessions.create(
          { ...params, client_reference_id: 'other' },
          { idempotencyKey: 'k1' },
        ),
      ),
    ).toMatchObject({ type: 'StripeIdempotencyError', statusCode: 400 });
    expect(await failure(stripe.checkout.sessions.retrieve('cs_test_unknown'))).toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
    });
    expect(
      await failure(new Stripe('sk_test_wrong', api).checkout.sessions.retrieve(created.id)),
    ).toMatchObject({ type: 'StripeAuthenticationError', statusCode: 401 });
    expect(await failure(stripe.refunds.create({ payment_intent: 'pi_unknown' }))).toMatchObject({
      statusCode: 404,
    });
  });
});
