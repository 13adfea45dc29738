import { afterEach, describe, expect, it } from 'vitest';
import { createFileService, type FileService } from '../node/services/files/file-service.js';
import { PaymentError } from '../node/services/payments/errors.js';
import { createPaymentService, type PaymentService } from '../node/services/payments/payment-service.js';
import { SimulatedProvider } from '../node/services/payments/simulated-provider.js';
import {
  SIGNATURE_HEADER,
  signWebhook,
  verifySignature,
} from '../node/services/payments/webhook-signature.js';
import { createPeopleRepository } from '../node/services/people/people-repository.js';
import { openTempStore, type TempStore } from './_util/node-store.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const SECRET = 'whsec_test_0123456789';

interface Setup extends TempStore {
  files: FileService;
  payments: PaymentService;
  provider: SimulatedProvider;
  clock: { now: Date };
}

async function setup(): Promise<Setup> {
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
  const provider = new SimulatedProvider({ secret: SECRET });
  const payments = createPaymentService({
    store: temp.store,
    receiptPrefix: 'PAR',
    timeZone: 'Europe/Paris',
    files,
    people,
    providers: [provider],
    now,
  });
  return { ...temp, files, payments, provider, clock };
}

/** A file awaiting payment with its invoice and an open checkout. */
async function awaitingOnlinePayment(s: Setup) {
  const people = createPeopleRepository({ store: s.store, defaultRegion: 'FR' });
  const person = people.create({ givenNames: 'Amadou', familyName: 'Zanga', phone: '+33612345678' }, 'web');
  const file = s.files.open(
    { personId: person.id, serviceCode: 'passport-renewal', channel: 'online' },
    'web',
  );
  s.files.transition(file.id, { to: 'awaiting_payment' }, 'system:portal');
  const invoice = s.payments.createInvoice(
    {
      serviceCode: 'passport-renewal',
      fileId: file.id,
      lines: [{ label: 'Passeport', unitMinor: 12_000, currency: 'EUR' }],
    },
    'system:portal',
  );
  const checkout = await s.payments.startCheckout({ invoiceId: invoice.id, provider: 'simulated' });
  return { file, invoice, checkout };
}

// Everything a webhook could change, to show that a refused or replayed one changed nothing.
function snapshot(s: Setup) {
  const count = (sql: string) => s.store.db.prepare(sql).get();
  return {
    payments: count('SELECT count(*) AS n FROM payments'),
    invoices: s.store.db.prepare('SELECT id, state FROM invoices ORDER BY id').all(),
    checkouts: s.store.db.prepare('SELECT id, state FROM checkouts ORDER BY id').all(),
    files: s.store.db.prepare('SELECT id, state FROM files ORDER BY id').all(),
    outbox: count('SELECT count(*) AS n FROM outbox'),
    audit: count('SELECT count(*) AS n FROM audit_log'),
    sms: count('SELECT count(*) AS n FROM sms_outbox'),
    numbers: s.store.db.prepare('SELECT * FROM number_series ORDER BY series').all(),
    events: count('SELECT count(*) AS n FROM webhook_events'),
  };
}

describe('node payments: online provider webhooks', () => {
  it('pays the invoice and takes the file back to review on a signed webhook', async () => {
    const s = await setup();
    const { file, invoice, checkout } = await awaitingOnlinePayment(s);
    expect(checkout.redirectUrl).toContain(checkout.providerRef);
    const result = s.payments.applyWebhook(
      'simulated',
      s.provider.completeCheckout(checkout.providerRef, { at: s.clock.now }),
    );
    expect(result).toMatchObject({ status: 'applied', outcome: 'paid' });
    const payment = s.payments.getPayment(result.status === 'applied' ? (result.paymentId ?? '') : '');
    expect(payment).toMatchObject({
      method: 'online',
      provider: 'simulated',
      amountMinor: 12_000,
      receiptNumber: 'PAR-2026-000001',
    });
    expect(s.payments.getInvoice(invoice.id)?.state).toBe('paid');
    expect(s.files.get(file.id)?.state).toBe('in_review');
    expect(s.files.history(file.id).at(-1)).toMatchObject({
      from: 'awaiting_payment',
      actor: 'system:provider:simulated',
    });
  });

  it('changes nothing when the same webhook is delivered again', async () => {
    const s = await setup();
    const { checkout } = await awaitingOnlinePayment(s);
    const webhook = s.provider.completeCheckout(checkout.providerRef, { at: s.clock.now, eventId: 'evt_1' });
    s.payments.applyWebhook('simulated', webhook);
    const before = snapshot(s);
    s.clock.now = new Date(s.clock.now.getTime() + 60_000);
    expect(s.payments.applyWebhook('simulated', webhook)).toEqual({ status: 'duplicate', eventId: 'evt_1' });
    expect(s.payments.applyWebhook('simulated', webhook)).toEqual({ status: 'duplicate', eventId: 'evt_1' });
    expect(snapshot(s)).toEqual(before);
    const second = s.provider.completeCheckout(checkout.providerRef, { at: s.clock.now, eventId: 'evt_2' });
    expect(s.payments.applyWebhook('simulated', second)).toMatchObject({
      status: 'applied',
      outcome: 'checkout_settled',
    });
    expect(snapshot(s).payments).toEqual(before.payments);
  });

  it('refuses a forged webhook, changes nothing and logs the refusal', async () => {
    const s = await setup();
    const { checkout } = await awaitingOnlinePayment(s);
    const before = snapshot(s);
    const forger = new SimulatedProvider({ secret: 'guessed-secret' });
    const genuine = s.provider.completeCheckout(checkout.providerRef, { at: s.clock.now });
    const forgeries = [
      forger.signedRequest(String(genuine.rawBody), s.clock.now),
      { ...genuine, rawBody: String(genuine.rawBody).replace('12000', '1') },
      { ...genuine, headers: {} },
      { ...genuine, headers: { [SIGNATURE_HEADER]: 't=abc,v1=00' } },
    ];
    for (const forged of forgeries) {
      expect(s.payments.applyWebhook('simulated', forged)).toEqual({
        status: 'rejected',
        reason: 'bad_signature',
      });
    }
    expect(snapshot(s)).toEqual(before);
    const log = s.payments.webhookRejections();
    expect(log).toHaveLength(4);
    expect(log[0]).toMatchObject({
      provider: 'simulated',
      reason: 'bad_signature',
      receivedAt: s.clock.now.toISOString(),
    });
  });

  it('refuses a webhook whose timestamp is stale or too far ahead', async () => {
    const s = await setup();
    const { checkout } = await awaitingOnlinePayment(s);
    const before = snapshot(s);
    for (const offsetMs of [-10 * 60_000, 10 * 60_000]) {
      const at = new Date(s.clock.now.getTime() + offsetMs);
      const webhook = s.provider.completeCheckout(checkout.providerRef, { at });
      expect(s.payments.applyWebhook('simulated', webhook)).toEqual({
        status: 'rejected',
        reason: 'stale_timestamp',
      });
    }
    expect(snapshot(s)).toEqual(before);
    const fresh = s.provider.completeCheckout(checkout.providerRef, {
      at: new Date(s.clock.now.getTime() - 60_000),
    });
    expect(s.payments.applyWebhook('simulated', fresh)).toMatchObject({ status: 'applied', outcome: 'paid' });
  });

  it('refuses a signed body that is not an event, and records nothing for an amount that differs', async () => {
    const s = await setup();
    const { invoice, checkout } = await awaitingOnlinePayment(s);
    expect(
      s.payments.applyWebhook('simulated', s.provider.signedRequest('{"hello":1}', s.clock.now)),
    ).toEqual({
      status: 'rejected',
      reason: 'malformed',
    });
    const short = s.provider.completeCheckout(checkout.providerRef, { at: s.clock.now, amountMinor: 100 });
    expect(s.payments.applyWebhook('simulated', short)).toMatchObject({
      status: 'applied',
      outcome: 'amount_mismatch',
    });
    expect(s.payments.getInvoice(invoice.id)?.state).toBe('open');
  });

  it('lets a failed attempt be followed by a successful one', async () => {
    const s = await setup();
    const { invoice, checkout } = await awaitingOnlinePayment(s);
    const failed = s.provider.completeCheckout(checkout.providerRef, {
      at: s.clock.now,
      type: 'payment.failed',
    });
    expect(s.payments.applyWebhook('simulated', failed)).toMatchObject({ outcome: 'failed' });
    expect(s.payments.getInvoice(invoice.id)?.state).toBe('open');
    const paid = s.provider.completeCheckout(checkout.providerRef, { at: s.clock.now });
    expect(s.payments.applyWebhook('simulated', paid)).toMatchObject({ outcome: 'paid' });
  });

  it('records money that arrives for an invoice paid at the counter meanwhile, to be refunded', async () => {
    const s = await setup();
    const { invoice, checkout } = await awaitingOnlinePayment(s);
    s.payments.recordCashPayment(
      { invoiceId: invoice.id, amountMinor: 12_000, currency: 'EUR', cashbox: 'guichet-1' },
      'amina',
    );
    const result = s.payments.applyWebhook(
      'simulated',
      s.provider.completeCheckout(checkout.providerRef, { at: s.clock.now }),
    );
    expect(result).toMatchObject({ status: 'applied', outcome: 'paid_not_open' });
    expect(s.payments.paymentsOfInvoice(invoice.id).map((p) => p.method)).toEqual(['cash', 'online']);
    await expect(s.payments.startCheckout({ invoiceId: invoice.id, provider: 'simulated' })).rejects.toThrow(
      PaymentError,
    );
  });

  it('refuses webhooks and checkouts of a provider it does not know', async () => {
    const s = await setup();
    const { invoice } = await awaitingOnlinePayment(s);
    expect(() => s.payments.applyWebhook('stripe', { rawBody: '{}', headers: {} })).toThrow(PaymentError);
    await expect(
      s.payments.startCheckout({ invoiceId: invoice.id, provider: 'stripe' }),
    ).rejects.toMatchObject({
      code: 'unknown_provider',
    });
  });
});

describe('node payments: webhook signatures', () => {
  it('verifies HMAC-SHA256 over the timestamp and raw body', () => {
    const now = new Date('2026-03-02T09:00:00.000Z');
    const t = Math.floor(now.getTime() / 1000);
    const header = signWebhook(SECRET, '{"a":1}', t);
    expect(verifySignature(SECRET, '{"a":1}', header, now)).toEqual({ ok: true });
    expect(verifySignature(SECRET, Buffer.from('{"a":1}'), header, now)).toEqual({ ok: true });
    expect(verifySignature(SECRET, '{"a":2}', header, now)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifySignature(SECRET, '{"a":1}', header.replace(`t=${t}`, `t=${t + 1}`), now)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(verifySignature(SECRET, '{"a":1}', header, new Date(now.getTime() + 301_000))).toEqual({
      ok: false,
      reason: 'stale_timestamp',
    });
  });
});
