import { afterEach, describe, expect, it } from 'vitest';
import { createFileService } from '../node/services/files/file-service.js';
import { FIRST_LOOK_MS } from '../node/services/payments/checkout-polling.js';
import { createPaymentService, type PaymentService } from '../node/services/payments/payment-service.js';
import { fromMomoAmount, toMomoAmount } from '../node/services/payments/providers/momo-amounts.js';
import { MOMO_NOTICE_PATH, MomoProvider } from '../node/services/payments/providers/momo-provider.js';
import { createPeopleRepository } from '../node/services/people/people-repository.js';
import { type MomoTestServer, startMomoTestServer } from './_util/momo-test-server.js';
import { openTempStore, type TempStore } from './_util/node-store.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const PUBLIC_URL = 'https://yaounde.consulat-rca.example';
const LIFETIME_MS = 15 * 60_000;
const PHONE = '6 71 23 45 67';
const MSISDN = '237671234567';

interface Setup extends TempStore {
  server: MomoTestServer;
  payments: PaymentService;
  clock: { now: Date; advance(ms: number): void };
  /** A new service over the same store and MTN: the node after a restart. */
  rebuild(): PaymentService;
}

async function setup(): Promise<Setup> {
  const server = await startMomoTestServer();
  cleanups.push(server.close);
  const temp = await openTempStore();
  cleanups.push(temp.cleanup);
  const clock = {
    now: new Date('2026-03-02T09:00:00.000Z'),
    advance(ms: number) {
      this.now = new Date(this.now.getTime() + ms);
    },
  };
  const rebuild = () => paymentsOver(server, temp, () => clock.now);
  return { ...temp, server, payments: rebuild(), clock, rebuild };
}

/** The node's payments service with the MoMo provider, as createDomain builds it. */
function paymentsOver(server: MomoTestServer, temp: TempStore, now: () => Date): PaymentService {
  // Short, so that a test of MTN's silence does not wait the production timeout.
  const people = createPeopleRepository({ store: temp.store, defaultRegion: 'CM', now });
  const files = createFileService({
    store: temp.store,
    people,
    trackingPrefix: 'YAO',
    defaultRegion: 'CM',
    now,
  });
  const momo = new MomoProvider({
    apiUser: server.apiUser,
    apiKey: server.apiKey,
    subscriptionKey: server.subscriptionKey,
    apiUrl: server.url,
    targetEnvironment: server.targetEnvironment,
    publicUrl: PUBLIC_URL,
    defaultRegion: 'CM',
    pendingLifetimeMs: LIFETIME_MS,
    timeoutMs: 1000,
  });
  return createPaymentService({
    store: temp.store,
    receiptPrefix: 'YAO',
    timeZone: 'Africa/Douala',
    files,
    people,
    providers: [momo],
    now,
  });
}

async function awaitingMomo(s: Setup, unitMinor = 25_000) {
  const invoice = s.payments.createInvoice(
    { serviceCode: 'passport-renewal', lines: [{ label: 'Passeport', unitMinor, currency: 'XAF' }] },
    'system:portal',
  );
  const checkout = await s.payments.startCheckout({
    invoiceId: invoice.id,
    provider: 'momo',
    payerPhone: PHONE,
  });
  return { invoice, checkout };
}

/** The checkout id and secret of the callback URL MTN was given. */
function noticeOf(s: Setup, referenceId: string) {
  const { url } = s.server.notice(referenceId);
  const [ref, secret] = url.slice(`${PUBLIC_URL}${MOMO_NOTICE_PATH}/`.length).split('/');
  return { ref: ref ?? '', secret: secret ?? '' };
}

const checkoutCount = (s: Setup) =>
  (s.store.db.prepare('SELECT COUNT(*) AS n FROM checkouts').get() as { n: number }).n;

function openInvoice(s: Setup) {
  return s.payments.createInvoice(
    { serviceCode: 'passport-renewal', lines: [{ label: 'Passeport', unitMinor: 25_000, currency: 'XAF' }] },
    'system:portal',
  );
}

const statusCalls = (s: Setup) => s.server.requests.filter((request) => request.method === 'GET');
const checkoutState = (s: Setup, id: string) => s.payments.getCheckout(id)?.state;

describe('node payments: MTN MoMo Collection', () => {
  it('sends a request to pay as MTN documents it, and sends the applicant to the waiting page', async () => {
    const s = await setup();
    const { invoice, checkout } = await awaitingMomo(s);
    expect(checkout.providerRef).toBe(checkout.checkoutId);
    expect(checkout.redirectUrl).toBe(`${PUBLIC_URL}/paiement/attente/${checkout.checkoutId}`);
    const [token, pay] = s.server.requests;
    expect(token).toMatchObject({ method: 'POST', path: '/collection/token/', status: 200 });
    expect(pay).toMatchObject({ method: 'POST', path: '/collection/v1_0/requesttopay', status: 202 });
    expect(pay?.headers['x-reference-id']).toBe(checkout.checkoutId);
    expect(pay?.headers['x-target-environment']).toBe('sandbox');
    expect(pay?.headers['ocp-apim-subscription-key']).toBe(s.server.subscriptionKey);
    expect(pay?.headers.authorization).toMatch(/^Bearer /);
    expect(pay?.headers['x-callback-url']).toMatch(
      new RegExp(`^${PUBLIC_URL}${MOMO_NOTICE_PATH}/${checkout.checkoutId}/[A-Za-z0-9_-]{43}$`),
    );
    expect(JSON.parse(pay?.body ?? '')).toEqual({
      amount: '25000',
      currency: 'XAF',
      externalId: invoice.id,
      payer: { partyIdType: 'MSISDN', partyId: MSISDN },
      payerMessage: `passport-renewal ${invoice.id}`,
      payeeNote: `passport-renewal ${invoice.id}`,
    });
  });

  it('records the payment once when MTN’s notice comes, after asking MTN its status', async () => {
    const s = await setup();
    const { invoice, checkout } = await awaitingMomo(s);
    s.server.approve(checkout.providerRef);
    const { ref, secret } = noticeOf(s, checkout.providerRef);
    const applied = await s.payments.applyNotice('momo', ref, secret);
    expect(applied).toMatchObject({ status: 'applied', outcome: 'paid' });
    expect(statusCalls(s)).toHaveLength(1);
    expect(s.payments.getInvoice(invoice.id)?.state).toBe('paid');
    const [payment] = s.payments.paymentsOfInvoice(invoice.id);
    expect(payment).toMatchObject({
      method: 'online',
      provider: 'momo',
      amountMinor: 25_000,
      currency: 'XAF',
    });
    expect(payment?.receiptNumber).toMatch(/^YAO-2026-\d+$/);
    // MTN's notice replayed (or sent again by a proxy): the payment stays one.
    expect(await s.payments.applyNotice('momo', ref, secret)).toMatchObject({ status: 'duplicate' });
    expect(await s.payments.pollPendingCheckouts()).toMatchObject({ looked: 0 });
    expect(s.payments.paymentsOfInvoice(invoice.id)).toHaveLength(1);
  });

  it('records the payment by polling when the notice never comes, with a growing interval', async () => {
    const s = await setup();
    const { invoice, checkout } = await awaitingMomo(s);
    s.clock.advance(FIRST_LOOK_MS - 1000);
    expect(await s.payments.pollPendingCheckouts()).toMatchObject({ looked: 0 });
    s.clock.advance(1000);
    expect(await s.payments.pollPendingCheckouts()).toMatchObject({ looked: 1, settled: 0 });
    // Still pending: the next look is 20 s later, not at the next round.
    s.clock.advance(15_000);
    expect(await s.payments.pollPendingCheckouts()).toMatchObject({ looked: 0 });
    s.server.approve(checkout.providerRef);
    s.clock.advance(5_000);
    expect(await s.payments.pollPendingCheckouts()).toMatchObject({ looked: 1, settled: 1 });
    expect(s.payments.getInvoice(invoice.id)?.state).toBe('paid');
    expect(checkoutState(s, checkout.checkoutId)).toBe('succeeded');
    // The notice arriving after the poll finds the payment recorded.
    const { ref, secret } = noticeOf(s, checkout.providerRef);
    expect(await s.payments.applyNotice('momo', ref, secret)).toMatchObject({ status: 'duplicate' });
    expect(s.payments.paymentsOfInvoice(invoice.id)).toHaveLength(1);
  });

  it('records the payment once when the notice and a poll find it at the same moment', async () => {
    const s = await setup();
    const { invoice, checkout } = await awaitingMomo(s);
    s.server.approve(checkout.providerRef);
    s.clock.advance(FIRST_LOOK_MS);
    const { ref, secret } = noticeOf(s, checkout.providerRef);
    const [notice, replay, poll] = await Promise.all([
      s.payments.applyNotice('momo', ref, secret),
      s.payments.applyNotice('momo', ref, secret),
      s.payments.pollPendingCheckouts(),
    ]);
    expect(poll).toMatchObject({ looked: 1, settled: 1 });
    for (const result of [notice, replay]) expect(['applied', 'duplicate']).toContain(result.status);
    expect(s.payments.paymentsOfInvoice(invoice.id)).toHaveLength(1);
    const events = s.store.db.prepare('SELECT event_id AS eventId FROM webhook_events').all();
    expect(events).toEqual([{ eventId: `${checkout.providerRef}:SUCCESSFUL` }]);
  });

  it('fails the checkout the payer declines, keeps the invoice open and lets them try again', async () => {
    const s = await setup();
    const { invoice, checkout } = await awaitingMomo(s);
    s.server.decline(checkout.providerRef, 'APPROVAL_REJECTED');
    const { ref, secret } = noticeOf(s, checkout.providerRef);
    expect(await s.payments.applyNotice('momo', ref, secret)).toMatchObject({
      status: 'applied',
      outcome: 'failed',
    });
    expect(checkoutState(s, checkout.checkoutId)).toBe('failed');
    expect(s.payments.getInvoice(invoice.id)?.state).toBe('open');
    const again = await s.payments.startCheckout({
      invoiceId: invoice.id,
      provider: 'momo',
      payerPhone: PHONE,
    });
    expect(again.checkoutId).not.toBe(checkout.checkoutId);
    expect(s.server.payments.size).toBe(2);
  });

  it('expires a checkout still pending after its lifetime, and still records a payment MTN reports later', async () => {
    const s = await setup();
    const { invoice, checkout } = await awaitingMomo(s);
    s.clock.advance(LIFETIME_MS);
    expect(await s.payments.pollPendingCheckouts()).toMatchObject({ looked: 1, expired: 1 });
    expect(checkoutState(s, checkout.checkoutId)).toBe('failed');
    const events = s.store.db.prepare('SELECT event_id AS eventId, outcome FROM webhook_events').all();
    expect(events).toEqual([{ eventId: `${checkout.providerRef}:EXPIRED`, outcome: 'failed' }]);
    expect(await s.payments.pollPendingCheckouts()).toMatchObject({ looked: 0 });
    // The applicant opens a new one: the expired one is not given back.
    const renewed = await s.payments.startCheckout({
      invoiceId: invoice.id,
      provider: 'momo',
      payerPhone: PHONE,
    });
    expect(renewed.checkoutId).not.toBe(checkout.checkoutId);
    // The first one's approval comes late: money taken is money recorded.
    s.server.approve(checkout.providerRef);
    const { ref, secret } = noticeOf(s, checkout.providerRef);
    expect(await s.payments.applyNotice('momo', ref, secret)).toMatchObject({ outcome: 'paid' });
    expect(s.payments.paymentsOfInvoice(invoice.id)).toHaveLength(1);
  });

  it('does not expire a checkout while MTN cannot be asked', async () => {
    const s = await setup();
    const { checkout } = await awaitingMomo(s);
    s.clock.advance(LIFETIME_MS);
    s.server.failNext('/collection/v1_0/requesttopay/', 500);
    expect(await s.payments.pollPendingCheckouts()).toMatchObject({ looked: 1, failedCalls: 1, expired: 0 });
    expect(checkoutState(s, checkout.checkoutId)).toBe('pending');
    s.server.approve(checkout.providerRef);
    expect(await s.payments.pollPendingCheckouts()).toMatchObject({ looked: 1, settled: 1 });
    expect(checkoutState(s, checkout.checkoutId)).toBe('succeeded');
  });

  it('refuses a notice without the checkout’s secret, and never takes a notice’s word for the status', async () => {
    const s = await setup();
    const first = await awaitingMomo(s);
    const second = await awaitingMomo(s);
    const { ref, secret } = noticeOf(s, first.checkout.providerRef);
    const otherSecret = noticeOf(s, second.checkout.providerRef).secret;
    for (const forged of ['', 'x'.repeat(43), otherSecret, `${secret}x`])
      expect(await s.payments.applyNotice('momo', ref, forged)).toEqual({
        status: 'rejected',
        reason: 'bad_signature',
      });
    expect(statusCalls(s)).toHaveLength(0);
    expect(s.payments.webhookRejections()).toHaveLength(4);
    // Authentic URL, but MTN says the payer has not approved: nothing is recorded, whatever the body.
    expect(await s.payments.applyNotice('momo', ref, secret)).toEqual({ status: 'pending' });
    expect(s.payments.getInvoice(first.invoice.id)?.state).toBe('open');
    expect(checkoutState(s, first.checkout.checkoutId)).toBe('pending');
  });

  it('refuses a number that is not a phone number before asking MTN', async () => {
    const s = await setup();
    const invoice = s.payments.createInvoice(
      {
        serviceCode: 'passport-renewal',
        lines: [{ label: 'Passeport', unitMinor: 25_000, currency: 'XAF' }],
      },
      'system:portal',
    );
    for (const payerPhone of ['1234', '+237 1 00 00 00 00'])
      await expect(
        s.payments.startCheckout({ invoiceId: invoice.id, provider: 'momo', payerPhone }),
      ).rejects.toMatchObject({
        code: 'invalid_phone',
      });
    await expect(s.payments.startCheckout({ invoiceId: invoice.id, provider: 'momo' })).rejects.toMatchObject(
      {
        code: 'invalid_phone',
      },
    );
    expect(s.server.requests).toHaveLength(0);
  });

  it('sends one request to pay for two concurrent starts, and gives the pending one back within its lifetime', async () => {
    const s = await setup();
    const invoice = s.payments.createInvoice(
      {
        serviceCode: 'passport-renewal',
        lines: [{ label: 'Passeport', unitMinor: 25_000, currency: 'XAF' }],
      },
      'system:portal',
    );
    const start = () =>
      s.payments.startCheckout({ invoiceId: invoice.id, provider: 'momo', payerPhone: PHONE });
    const [first, second] = await Promise.all([start(), start()]);
    expect(second).toEqual(first);
    s.clock.advance(LIFETIME_MS - 1);
    expect(await start()).toEqual(first);
    expect(s.server.payments.size).toBe(1);
  });

  it('keeps one access token while it lasts, and asks a new one when MTN refuses it', async () => {
    const s = await setup();
    const { checkout } = await awaitingMomo(s);
    s.clock.advance(FIRST_LOOK_MS);
    await s.payments.pollPendingCheckouts();
    const tokenCalls = () =>
      s.server.requests.filter((request) => request.path === '/collection/token/').length;
    expect(tokenCalls()).toBe(1);
    s.server.expireTokens();
    s.server.approve(checkout.providerRef);
    const { ref, secret } = noticeOf(s, checkout.providerRef);
    expect(await s.payments.applyNotice('momo', ref, secret)).toMatchObject({ outcome: 'paid' });
    expect(tokenCalls()).toBe(2);
  });

  it('records nothing when MTN refuses the request to pay, and says which call failed without its message', async () => {
    const s = await setup();
    const invoice = openInvoice(s);
    s.server.failNext('/collection/v1_0/requesttopay', 400);
    await expect(
      s.payments.startCheckout({ invoiceId: invoice.id, provider: 'momo', payerPhone: PHONE }),
    ).rejects.toThrow('momo: could not send the request to pay (400 INTERNAL_PROCESSING_ERROR)');
    expect(checkoutCount(s)).toBe(0);
  });

  it('keeps the checkout of a request whose answer was lost, and fails it once MTN says it never came', async () => {
    const s = await setup();
    const invoice = openInvoice(s);
    s.server.failNext('/collection/v1_0/requesttopay', 500);
    await expect(
      s.payments.startCheckout({ invoiceId: invoice.id, provider: 'momo', payerPhone: PHONE }),
    ).rejects.toThrow('(500 INTERNAL_PROCESSING_ERROR)');
    expect(checkoutCount(s)).toBe(1);
    s.clock.advance(FIRST_LOOK_MS);
    expect(await s.payments.pollPendingCheckouts()).toMatchObject({ looked: 1, settled: 1 });
    const [row] = s.store.db.prepare('SELECT state FROM checkouts').all();
    expect(row).toEqual({ state: 'failed' });
    expect(s.payments.getInvoice(invoice.id)?.state).toBe('open');
  });

  it('keeps the checkout of a request MTN answered too late, and records its payment by polling', async () => {
    const s = await setup();
    const invoice = openInvoice(s);
    s.server.delayNextAnswer('/collection/v1_0/requesttopay', 1500);
    await expect(
      s.payments.startCheckout({ invoiceId: invoice.id, provider: 'momo', payerPhone: PHONE }),
    ).rejects.toThrow('momo: could not send the request to pay (timed out)');
    const [referenceId = ''] = [...s.server.payments.keys()];
    s.server.approve(referenceId);
    s.clock.advance(FIRST_LOOK_MS);
    expect(await s.payments.pollPendingCheckouts()).toMatchObject({ looked: 1, settled: 1 });
    expect(s.payments.paymentsOfInvoice(invoice.id)).toHaveLength(1);
  });

  it('records nothing when MTN reports another amount than the checkout’s', async () => {
    const s = await setup();
    const { invoice, checkout } = await awaitingMomo(s);
    s.server.approve(checkout.providerRef);
    const request = s.server.payments.get(checkout.providerRef);
    if (request) request.body.amount = '20000';
    const { ref, secret } = noticeOf(s, checkout.providerRef);
    expect(await s.payments.applyNotice('momo', ref, secret)).toMatchObject({ outcome: 'amount_mismatch' });
    expect(s.payments.paymentsOfInvoice(invoice.id)).toHaveLength(0);
    expect(s.payments.getInvoice(invoice.id)?.state).toBe('open');
    // The job keeps its distance from it, and lets it expire with its lifetime.
    s.clock.advance(FIRST_LOOK_MS);
    expect(await s.payments.pollPendingCheckouts()).toMatchObject({ looked: 1, settled: 0 });
    expect(await s.payments.pollPendingCheckouts()).toMatchObject({ looked: 0 });
    s.clock.advance(LIFETIME_MS);
    expect(await s.payments.pollPendingCheckouts()).toMatchObject({ looked: 1, expired: 1 });
    expect(await s.payments.pollPendingCheckouts()).toMatchObject({ looked: 0 });
  });

  it('finds and records once a payment MTN accepted while the node lost the answer and restarted', async () => {
    const s = await setup();
    const invoice = openInvoice(s);
    s.server.dropNextAnswer('/collection/v1_0/requesttopay');
    await expect(
      s.payments.startCheckout({ invoiceId: invoice.id, provider: 'momo', payerPhone: PHONE }),
    ).rejects.toThrow('momo: could not send the request to pay (unreachable)');
    const [referenceId = ''] = [...s.server.payments.keys()];
    s.server.approve(referenceId);
    // A new service over the same store: the node after a restart, with nothing in memory.
    s.clock.advance(FIRST_LOOK_MS);
    const restarted = s.rebuild();
    expect(await restarted.pollPendingCheckouts()).toMatchObject({ looked: 1, settled: 1 });
    expect(await restarted.pollPendingCheckouts()).toMatchObject({ looked: 0 });
    expect(restarted.paymentsOfInvoice(invoice.id)).toHaveLength(1);
    expect(restarted.getInvoice(invoice.id)?.state).toBe('paid');
  });
});

describe('MoMo amounts', () => {
  it('sends XAF in whole francs and reads them back, without floats', () => {
    expect(toMomoAmount(25_000, 'XAF')).toBe('25000');
    expect(fromMomoAmount('25000', 'XAF')).toBe(25_000);
    expect(fromMomoAmount(25_000, 'XAF')).toBe(25_000);
    expect(fromMomoAmount('25000.00', 'XAF')).toBe(25_000);
    expect(fromMomoAmount('25000.5', 'XAF')).toBeUndefined();
    expect(toMomoAmount(1250, 'EUR')).toBe('12.50');
    expect(toMomoAmount(5, 'EUR')).toBe('0.05');
    expect(fromMomoAmount('12.5', 'EUR')).toBe(1250);
    expect(fromMomoAmount('0.07', 'EUR')).toBe(7);
    expect(fromMomoAmount('-1', 'EUR')).toBeUndefined();
    expect(fromMomoAmount('1e3', 'XAF')).toBeUndefined();
  });
});
