import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { readEventsAfter } from '../node/services/outbox/outbox.js';
import { PaymentError } from '../node/services/payments/errors.js';
import { createPaymentService, type PaymentService } from '../node/services/payments/payment-service.js';
import { MOMO_NOTICE_PATH, MomoProvider } from '../node/services/payments/providers/momo-provider.js';
import { StripeProvider } from '../node/services/payments/providers/stripe-provider.js';
import { type MomoTestServer, momoReportCsv, startMomoTestServer } from './_util/momo-test-server.js';
import { openTempStore, type TempStore } from './_util/node-store.js';
import {
  type StripeTestServer,
  startStripeTestServer,
  stripeReportCsv,
  stripeWebhook,
} from './_util/stripe-test-server.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const PUBLIC_URL = 'https://yaounde.consulat-rca.example';
const PAID_AT = new Date('2026-03-02T09:00:00.000Z');
const DAY = '2026-03-02';

interface Setup extends TempStore {
  stripe: StripeTestServer;
  momo: MomoTestServer;
  payments: PaymentService;
}

async function setup(): Promise<Setup> {
  const stripe = await startStripeTestServer();
  cleanups.push(stripe.close);
  const momo = await startMomoTestServer();
  cleanups.push(momo.close);
  const temp = await openTempStore();
  cleanups.push(temp.cleanup);
  const payments = createPaymentService({
    store: temp.store,
    receiptPrefix: 'PAR',
    timeZone: 'Europe/Paris',
    now: () => PAID_AT,
    providers: [
      new StripeProvider({
        secretKey: stripe.secretKey,
        webhookSecret: stripe.webhookSecret,
        api: { host: stripe.host, port: stripe.port, protocol: 'http' },
      }),
      new MomoProvider({
        apiUser: momo.apiUser,
        apiKey: momo.apiKey,
        subscriptionKey: momo.subscriptionKey,
        apiUrl: momo.url,
        targetEnvironment: momo.targetEnvironment,
        publicUrl: PUBLIC_URL,
        defaultRegion: 'CM',
        pendingLifetimeMs: 3_600_000,
        timeoutMs: 2000,
      }),
    ],
  });
  return { ...temp, stripe, momo, payments };
}

function invoiceOf(s: Setup, unitMinor: number, currency: string) {
  return s.payments.createInvoice(
    { serviceCode: 'passport-renewal', lines: [{ label: 'Passeport', unitMinor, currency }] },
    'system:portal',
  );
}

/** A card payment made on Stripe's page and told by its signed webhook. */
async function paidByCard(s: Setup, unitMinor = 12_000) {
  const invoice = invoiceOf(s, unitMinor, 'EUR');
  const checkout = await s.payments.startCheckout({
    invoiceId: invoice.id,
    provider: 'stripe',
    returnUrl: `${PUBLIC_URL}/paiement/retour`,
  });
  s.stripe.pay(checkout.providerRef);
  const body = s.stripe.eventBody('checkout.session.completed', checkout.providerRef, { at: PAID_AT });
  const applied = s.payments.applyWebhook('stripe', stripeWebhook(s.stripe.webhookSecret, body, PAID_AT));
  expect(applied).toMatchObject({ status: 'applied', outcome: 'paid' });
  return { invoice, checkout, receipt: s.payments.paymentsOfInvoice(invoice.id)[0]! };
}

/** A mobile money payment approved on the phone, told by MTN's notice and confirmed by asking. */
async function momoRequested(s: Setup) {
  const invoice = invoiceOf(s, 25_000, 'XAF');
  const checkout = await s.payments.startCheckout({
    invoiceId: invoice.id,
    provider: 'momo',
    payerPhone: '+237670000001',
  });
  return { invoice, checkout };
}

async function paidByMomo(s: Setup) {
  const { invoice, checkout } = await momoRequested(s);
  s.momo.approve(checkout.providerRef);
  const [ref, secret] = s.momo
    .notice(checkout.providerRef)
    .url.slice(`${PUBLIC_URL}${MOMO_NOTICE_PATH}/`.length)
    .split('/');
  await s.payments.applyNotice('momo', ref ?? '', secret ?? '');
  return { invoice, checkout, receipt: s.payments.paymentsOfInvoice(invoice.id)[0]! };
}

function importCsv(s: Setup, provider: string, csv: string) {
  return s.payments.importSettlement({ provider, csv, fileName: `${provider}.csv` }, 'comptable');
}

const count = (s: Setup, table: string) =>
  (s.store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

const outcomeByTxn = (report: ReturnType<PaymentService['settlementReport']>) =>
  report?.lines.map((line) => [line.providerTxnId, line.outcome]);

describe('settlement reconciliation: Stripe itemized balance report', () => {
  it('lists a matched line, a wrong amount, a duplicate, an unknown reference and a missing payment, counting each once', async () => {
    const s = await setup();
    const first = await paidByCard(s, 12_000);
    const second = await paidByCard(s, 8_000);
    const third = await paidByCard(s, 5_500);
    const rows = s.stripe.balanceRows(PAID_AT);
    const [a, b, c] = rows;
    // The third payment is absent; the second's amount was changed; the first is there twice.
    rows.splice(2, 1);
    b!.gross = '85.00';
    b!.net = (85 - Number(b!.fee)).toFixed(2);
    rows.push({ ...a! });
    rows.push({
      ...a!,
      balance_transaction_id: 'txn_3Stranger00000000000000',
      'payment_metadata[checkout_id]': randomUUID(),
      'payment_metadata[invoice_id]': randomUUID(),
    });
    rows.push({
      ...a!,
      balance_transaction_id: 'txn_1Payout0000',
      reporting_category: 'payout',
      gross: '-50.00',
      fee: '0.00',
      net: '-50.00',
    });
    // A transaction that names nothing of ours, and a payout, repeated: counted once too.
    rows.push({ ...rows[3]! }, { ...rows[4]! });
    const result = importCsv(s, 'stripe', stripeReportCsv(rows));
    expect(result.alreadyImported).toBe(false);
    const report = s.payments.settlementReport(result.importId);
    expect(outcomeByTxn(report)).toEqual([
      [a!.balance_transaction_id, 'matched'],
      [b!.balance_transaction_id, 'amount_mismatch'],
      [a!.balance_transaction_id, 'duplicate'],
      ['txn_3Stranger00000000000000', 'unknown_reference'],
      ['txn_1Payout0000', 'other'],
      ['txn_3Stranger00000000000000', 'duplicate'],
      ['txn_1Payout0000', 'duplicate'],
    ]);
    expect(report?.lines[0]).toMatchObject({
      paymentId: first.receipt.id,
      receiptNumber: first.receipt.receiptNumber,
    });
    expect(report?.lines[1]).toMatchObject({
      paymentId: second.receipt.id,
      grossMinor: 8_500,
      expectedMinor: 8_000,
    });
    expect(report?.missing.map((payment) => payment.paymentId)).toEqual([third.receipt.id]);
    expect(report?.outcomes).toEqual({
      matched: 1,
      amount_mismatch: 1,
      duplicate: 3,
      unknown_reference: 1,
      other: 1,
      missing: 1,
    });
    const feeA = Math.round(12_000 * 0.015) + 25;
    const feeB = Math.round(8_000 * 0.015) + 25;
    // The duplicate's money is not counted a second time.
    expect(report?.totals).toEqual([
      {
        currency: 'EUR',
        count: 2,
        grossMinor: 12_000 + 8_500,
        feeMinor: feeA + feeB,
        netMinor: 20_500 - feeA - feeB,
      },
    ]);
    expect(c).toBeDefined();
  });

  it('changes nothing when the same file is imported again, and counts a transaction once across imports', async () => {
    const s = await setup();
    await paidByCard(s, 12_000);
    const late = await paidByCard(s, 8_000);
    const rows = s.stripe.balanceRows(PAID_AT);
    const firstFile = stripeReportCsv(rows.slice(0, 1));
    const first = importCsv(s, 'stripe', firstFile);
    expect(s.payments.settlementReport(first.importId)?.missing.map((p) => p.paymentId)).toEqual([
      late.receipt.id,
    ]);
    const before = { imports: count(s, 'settlement_imports'), lines: count(s, 'settlement_lines') };
    const again = importCsv(s, 'stripe', firstFile);
    expect(again).toEqual({ importId: first.importId, alreadyImported: true });
    expect({ imports: count(s, 'settlement_imports'), lines: count(s, 'settlement_lines') }).toEqual(before);
    // The import is audited once, with who brought it in; the repeat adds nothing.
    const audited = s.store.db
      .prepare("SELECT actor, entity_id AS id FROM audit_log WHERE action = 'settlement.imported'")
      .all();
    expect(audited).toEqual([{ actor: expect.any(String), id: first.importId }]);
    // The full day's report, downloaded later, repeats the first transaction.
    const second = importCsv(s, 'stripe', stripeReportCsv(rows));
    expect(outcomeByTxn(s.payments.settlementReport(second.importId))).toEqual([
      [rows[0]!.balance_transaction_id, 'duplicate'],
      [rows[1]!.balance_transaction_id, 'matched'],
    ]);
    expect(s.payments.settlementReport(first.importId)?.missing).toEqual([]);
    const [day] = s.payments.onlineDayTotals(DAY);
    expect(day).toMatchObject({
      provider: 'stripe',
      currency: 'EUR',
      recordedCount: 2,
      recordedMinor: 20_000,
      settledCount: 2,
      grossMinor: 20_000,
      reported: true,
      missingCount: 0,
      problemCount: 1,
    });
  });
});

describe('settlement reconciliation: MTN MoMo transaction export', () => {
  it('matches by the external id, passes over failed requests, and lists the unknown and the missing', async () => {
    const s = await setup();
    const paid = await paidByMomo(s);
    const absent = await paidByMomo(s);
    s.momo.decline((await momoRequested(s)).checkout.providerRef);
    const rows = s.momo.transactionRows('2026-03-02 10:00:00');
    const reported = rows.filter((row) => row['External Id'] !== absent.invoice.id);
    reported.push({ ...reported[0]!, 'Financial Transaction Id': '1999999999', 'External Id': randomUUID() });
    const result = importCsv(s, 'momo', momoReportCsv(reported));
    const report = s.payments.settlementReport(result.importId);
    expect(report?.lines.map((line) => [line.category, line.outcome])).toEqual([
      ['SUCCESSFUL', 'matched'],
      ['FAILED', 'other'],
      ['SUCCESSFUL', 'unknown_reference'],
    ]);
    expect(report?.lines[0]).toMatchObject({
      paymentId: paid.receipt.id,
      businessDate: DAY,
      grossMinor: 25_000,
    });
    expect(report?.missing.map((payment) => payment.paymentId)).toEqual([absent.receipt.id]);
    expect(report?.totals).toEqual([
      { currency: 'XAF', count: 1, grossMinor: 25_000, feeMinor: 0, netMinor: 25_000 },
    ]);
    // The payer's number from the export is not kept.
    const stored = JSON.stringify(s.store.db.prepare('SELECT * FROM settlement_lines').all());
    expect(stored).not.toContain('670000001');
    expect(s.payments.onlineDayTotals(DAY)).toEqual([
      expect.objectContaining({
        provider: 'momo',
        currency: 'XAF',
        recordedCount: 2,
        settledCount: 1,
        missingCount: 1,
        problemCount: 1,
      }),
    ]);
  });
});

describe('revenue per provider at HQ', () => {
  it('names the provider in the payment and refund events the hub receives, and none for cash', async () => {
    const s = await setup();
    const card = await paidByCard(s, 12_000);
    const momo = await paidByMomo(s);
    const cash = invoiceOf(s, 3_000, 'EUR');
    s.payments.recordCashPayment(
      { invoiceId: cash.id, amountMinor: 3_000, currency: 'EUR', cashbox: 'guichet' },
      'yakite',
    );
    s.payments.recordRefund(
      {
        paymentId: card.receipt.id,
        amountMinor: 2_000,
        currency: 'EUR',
        method: 'provider',
        reason: 'Doublon de frais',
      },
      'bokassa',
    );
    const money = readEventsAfter(s.store, 0, 1000)
      .map((item) => item.event)
      .filter((event) => event.kind === 'payment.recorded' || event.kind === 'refund.recorded')
      .map((event) => [event.kind, event.data.method, event.data.provider ?? null, event.data.amountMinor]);
    expect(money).toEqual([
      ['payment.recorded', 'online', 'stripe', 12_000],
      ['payment.recorded', 'online', 'momo', 25_000],
      ['payment.recorded', 'cash', null, 3_000],
      ['refund.recorded', 'provider', 'stripe', 2_000],
    ]);
    expect(momo.receipt.provider).toBe('momo');
  });
});

describe('settlement reconciliation: refusals', () => {
  const refusals: Array<[string, string, (csv: string) => string, RegExp]> = [
    ['an unclosed quote', 'stripe', (csv) => `${csv}"txn_x,2026`, /Fichier CSV illisible à la ligne \d+/],
    [
      'a line with a column too few',
      'stripe',
      (csv) => `${csv}txn_1,2026-03-02 09:00:00\n`,
      /Fichier CSV illisible à la ligne 3/,
    ],
    [
      'an amount that is not one',
      'stripe',
      (csv) => csv.replace(/,120\.00,/, ',12O.00,'),
      /Ligne 2 du fichier : colonne « gross » : montant illisible « 12O\.00 »/,
    ],
    [
      'a net that is not gross less fee',
      'stripe',
      (csv) => csv.replace(/,120\.00,(\d+\.\d+),(\d+\.\d+),/, ',120.00,$1,1.00,'),
      /Ligne 2 du fichier : le net n’est pas le brut moins les frais/,
    ],
    [
      'an unknown currency',
      'stripe',
      (csv) => csv.replace(',eur,', ',zzz,'),
      /colonne « currency » : une devise ISO 4217 est attendue/,
    ],
    [
      'a MoMo export given as Stripe’s',
      'stripe',
      () => momoReportCsv([]),
      /n’est pas un rapport de solde détaillé Stripe : colonnes balance_transaction_id/,
    ],
    ['a Stripe report given as MoMo’s', 'momo', (csv) => csv, /n’est pas un export de transactions MTN MoMo/],
    ['an empty file', 'stripe', () => '', /Le fichier est vide/],
  ];
  for (const [what, provider, edit, message] of refusals) {
    it(`refuses ${what} with a French reason and stores nothing`, async () => {
      const s = await setup();
      await paidByCard(s, 12_000);
      const csv = edit(stripeReportCsv(s.stripe.balanceRows(PAID_AT)));
      let refusal: unknown;
      try {
        importCsv(s, provider, csv);
      } catch (error) {
        refusal = error;
      }
      expect(refusal).toBeInstanceOf(PaymentError);
      expect(refusal).toMatchObject({
        code: 'settlement_malformed',
        message: expect.stringMatching(message),
      });
      expect([count(s, 'settlement_imports'), count(s, 'settlement_lines')]).toEqual([0, 0]);
    });
  }

  it('refuses a provider the mission does not have', async () => {
    const s = await setup();
    expect(() => importCsv(s, 'cinetpay', 'a,b\n')).toThrow(
      /Aucun relevé n’est lisible pour le prestataire « cinetpay »/,
    );
  });
});
