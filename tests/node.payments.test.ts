import { afterEach, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { verifyAuditChain } from '../node/services/audit/audit-verify.js';
import { createFileService, type FileService } from '../node/services/files/file-service.js';
import { outboxBacklog, readBatch } from '../node/services/outbox/outbox.js';
import { dueSms } from '../node/services/outbox/sms-outbox.js';
import { PaymentError } from '../node/services/payments/errors.js';
import { createPaymentService, type PaymentService } from '../node/services/payments/payment-service.js';
import { createPeopleRepository, type PeopleRepository } from '../node/services/people/people-repository.js';
import { openTempStore, type TempStore } from './_util/node-store.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

interface Setup extends TempStore {
  people: PeopleRepository;
  files: FileService;
  payments: PaymentService;
  clock: { now: Date };
  personId: string;
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
  const payments = createPaymentService({
    store: temp.store,
    receiptPrefix: 'PAR',
    timeZone: 'Europe/Paris',
    files,
    people,
    now,
  });
  const person = people.create(
    { givenNames: 'Faustin', familyName: 'Yakité', phone: '+33781223344' },
    'amina',
  );
  return { ...temp, people, files, payments, clock, personId: person.id };
}

const passportFee = (amountMinor = 85_000, currency = 'XAF') => ({
  serviceCode: 'passport-renewal',
  lines: [{ label: 'Passeport ordinaire', unitMinor: amountMinor, currency }],
});

function expectPaymentError(fn: () => unknown, code: string): PaymentError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PaymentError);
    expect((error as PaymentError).code).toBe(code);
    return error as PaymentError;
  }
  throw new Error(`expected PaymentError ${code}`);
}

function pay(s: Setup, invoiceId: string, amountMinor = 85_000, currency = 'XAF', cashbox = 'guichet-1') {
  return s.payments.recordCashPayment({ invoiceId, amountMinor, currency, cashbox }, 'amina');
}

describe('node payments: invoices', () => {
  it('totals fee lines in one currency and records the invoice with its event and audit entry', async () => {
    const s = await setup();
    const invoice = s.payments.createInvoice(
      {
        serviceCode: 'passport-renewal',
        personId: s.personId,
        lines: [
          { label: 'Passeport', unitMinor: 85_000, currency: 'XAF' },
          { code: 'photo', label: 'Photos', unitMinor: 2_500, quantity: 2, currency: 'XAF' },
        ],
      },
      'amina',
    );
    expect(invoice).toMatchObject({ currency: 'XAF', totalMinor: 90_000, state: 'open', paidMinor: 0 });
    expect(invoice.lines.map((line) => [line.code, line.amountMinor])).toEqual([
      ['passport-renewal', 85_000],
      ['photo', 5_000],
    ]);
    const events = readBatch(s.store, { limit: 50, maxBytes: 1e6 }).filter(
      (e) => e.event.kind === 'invoice.created',
    );
    expect(events.map((e) => e.event.data)).toEqual([
      { serviceCode: 'passport-renewal', currency: 'XAF', totalMinor: 90_000, lineCount: 2 },
    ]);
    const audit = s.store.db
      .prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'invoice.created'")
      .get();
    expect(audit).toEqual({ n: 1 });
  });

  it('refuses fee lines in two currencies, unknown fields and unknown files', async () => {
    const s = await setup();
    const mixed = {
      serviceCode: 'passport-renewal',
      lines: [
        { label: 'Passeport', unitMinor: 85_000, currency: 'XAF' },
        { label: 'Frais de dossier', unitMinor: 1_000, currency: 'EUR' },
      ],
    };
    expectPaymentError(() => s.payments.createInvoice(mixed, 'amina'), 'mixed_currencies');
    expect(() => s.payments.createInvoice({ ...passportFee(), total: 1 } as never, 'amina')).toThrow(
      ZodError,
    );
    expect(() => s.payments.createInvoice(passportFee(12.5), 'amina')).toThrow(ZodError);
    expectPaymentError(
      () => s.payments.createInvoice({ ...passportFee(), fileId: 'nope' }, 'amina'),
      'unknown_file',
    );
    expect(s.store.db.prepare('SELECT count(*) AS n FROM invoices').get()).toEqual({ n: 0 });
  });
});

describe('node payments: cash at the counter', () => {
  it('records a payment with the next receipt number, marks the invoice paid and texts the payer', async () => {
    const s = await setup();
    const first = s.payments.createInvoice({ ...passportFee(), personId: s.personId }, 'amina');
    const second = s.payments.createInvoice(passportFee(4_500, 'EUR'), 'amina');
    const payment = pay(s, first.id);
    expect(payment).toMatchObject({
      receiptNumber: 'PAR-2026-000001',
      method: 'cash',
      businessDate: '2026-03-02',
    });
    expect(pay(s, second.id, 4_500, 'EUR').receiptNumber).toBe('PAR-2026-000002');
    expect(s.payments.getInvoice(first.id)).toMatchObject({ state: 'paid', paidMinor: 85_000 });
    const event = readBatch(s.store, { limit: 50, maxBytes: 1e6 }).find(
      (e) => e.event.kind === 'payment.recorded',
    );
    expect(event?.event.data).toEqual({
      invoiceId: first.id,
      serviceCode: 'passport-renewal',
      method: 'cash',
      amountMinor: 85_000,
      currency: 'XAF',
      businessDate: '2026-03-02',
      receiptNumber: 'PAR-2026-000001',
    });
    const sms = dueSms(s.store, new Date('2030-01-01'), 10).filter((m) => m.text.includes('PAR-2026'));
    expect(sms.map((m) => m.text)).toEqual([
      'Consulat RCA: paiement de 85000 XAF recu, recu no PAR-2026-000001. Merci.',
    ]);
  });

  it('refuses partial payments, overpayments, another currency and paying twice', async () => {
    const s = await setup();
    const invoice = s.payments.createInvoice(passportFee(), 'amina');
    const partial = expectPaymentError(() => pay(s, invoice.id, 40_000), 'amount_mismatch');
    expect(partial.details).toEqual({ dueMinor: 85_000, givenMinor: 40_000 });
    expectPaymentError(() => pay(s, invoice.id, 90_000), 'amount_mismatch');
    expectPaymentError(() => pay(s, invoice.id, 85_000, 'EUR'), 'currency_mismatch');
    pay(s, invoice.id);
    expectPaymentError(() => pay(s, invoice.id), 'invoice_not_open');
    expectPaymentError(() => pay(s, 'no-such-invoice'), 'invoice_not_found');
    const cancelled = s.payments.cancelInvoice(s.payments.createInvoice(passportFee(), 'amina').id, 'amina');
    expectPaymentError(() => pay(s, cancelled.id), 'invoice_not_open');
    expect(s.store.db.prepare('SELECT count(*) AS n FROM payments').get()).toEqual({ n: 1 });
  });

  it('keeps receipt numbers gapless across a payment that rolled back', async () => {
    const s = await setup();
    const invoices = [1, 2, 3].map(() => s.payments.createInvoice(passportFee(), 'amina'));
    pay(s, invoices[0]!.id);
    // Fails the payment after its receipt number was taken, inside the same transaction.
    s.store.db.exec(`CREATE TRIGGER fail_payment BEFORE INSERT ON audit_log WHEN NEW.action = 'payment.recorded'
      BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    expect(() => pay(s, invoices[1]!.id)).toThrow(/disk full/);
    s.store.db.exec('DROP TRIGGER fail_payment');
    expect(s.payments.getInvoice(invoices[1]!.id)?.state).toBe('open');
    expect(pay(s, invoices[1]!.id).receiptNumber).toBe('PAR-2026-000002');
    expect(pay(s, invoices[2]!.id).receiptNumber).toBe('PAR-2026-000003');
  });

  it('numbers receipts per year of the mission’s time zone', async () => {
    const s = await setup();
    s.clock.now = new Date('2026-12-31T22:30:00.000Z');
    expect(pay(s, s.payments.createInvoice(passportFee(), 'amina').id).receiptNumber).toBe('PAR-2026-000001');
    s.clock.now = new Date('2026-12-31T23:30:00.000Z');
    const payment = pay(s, s.payments.createInvoice(passportFee(), 'amina').id);
    expect(payment).toMatchObject({ receiptNumber: 'PAR-2027-000001', businessDate: '2027-01-01' });
  });

  it('takes a paid file from awaiting payment back to review', async () => {
    const s = await setup();
    const file = s.files.open(
      { personId: s.personId, serviceCode: 'passport-renewal', channel: 'counter' },
      'amina',
    );
    s.files.transition(file.id, { to: 'awaiting_payment' }, 'amina');
    const invoice = s.payments.createInvoice({ ...passportFee(), fileId: file.id }, 'amina');
    expect(invoice.personId).toBe(s.personId);
    pay(s, invoice.id);
    expect(s.files.get(file.id)?.state).toBe('in_review');
    expect(s.files.history(file.id).at(-1)).toMatchObject({
      from: 'awaiting_payment',
      to: 'in_review',
      actor: 'amina',
    });
    expect(s.payments.invoicesOfFile(file.id).map((i) => i.state)).toEqual(['paid']);
  });
});

describe('node payments: refunds', () => {
  it('refunds up to what was paid, with a reason and a voucher number, and no more', async () => {
    const s = await setup();
    const payment = pay(s, s.payments.createInvoice(passportFee(), 'amina').id);
    const refund = (amountMinor: number, reason = 'Dossier retiré par le demandeur') =>
      s.payments.recordRefund(
        { paymentId: payment.id, amountMinor, currency: 'XAF', reason, method: 'cash', cashbox: 'guichet-1' },
        'consul',
      );
    expect(refund(50_000)).toMatchObject({ voucherNumber: 'PAR-2026-R000001', amountMinor: 50_000 });
    const over = expectPaymentError(() => refund(35_001), 'refund_exceeds_payment');
    expect(over.details).toEqual({ refundableMinor: 35_000, givenMinor: 35_001 });
    expect(refund(35_000).voucherNumber).toBe('PAR-2026-R000002');
    expectPaymentError(() => refund(1), 'refund_exceeds_payment');
    expect(s.payments.getPayment(payment.id)?.refundedMinor).toBe(85_000);
    expect(s.payments.getInvoice(payment.invoiceId)?.refundedMinor).toBe(85_000);
    const kinds = readBatch(s.store, { limit: 50, maxBytes: 1e6 }).map((e) => e.event.kind);
    expect(kinds.filter((kind) => kind === 'refund.recorded')).toHaveLength(2);
    const actions = s.store.db
      .prepare("SELECT action FROM audit_log WHERE entity <> 'person' ORDER BY seq")
      .all();
    expect(actions.map((row) => (row as { action: string }).action)).toEqual([
      'invoice.created',
      'payment.recorded',
      'refund.recorded',
      'refund.recorded',
    ]);
    expect(verifyAuditChain(s.store.db)).toMatchObject({ ok: true });
  });

  it('refuses a refund without a reason, in another currency, or through a provider for cash', async () => {
    const s = await setup();
    const payment = pay(s, s.payments.createInvoice(passportFee(), 'amina').id);
    const base = {
      paymentId: payment.id,
      amountMinor: 1_000,
      currency: 'XAF',
      method: 'cash',
      cashbox: 'guichet-1',
    } as const;
    expect(() => s.payments.recordRefund({ ...base, reason: ' ' }, 'consul')).toThrow(ZodError);
    expect(() =>
      s.payments.recordRefund({ ...base, cashbox: undefined, reason: 'erreur' }, 'consul'),
    ).toThrow(ZodError);
    expectPaymentError(
      () => s.payments.recordRefund({ ...base, currency: 'EUR', reason: 'erreur' }, 'consul'),
      'currency_mismatch',
    );
    expectPaymentError(
      () =>
        s.payments.recordRefund(
          { ...base, method: 'provider', cashbox: undefined, reason: 'erreur' },
          'consul',
        ),
      'refund_method_not_possible',
    );
    expectPaymentError(
      () => s.payments.recordRefund({ ...base, paymentId: 'nope', reason: 'erreur' }, 'consul'),
      'payment_not_found',
    );
    expect(s.store.db.prepare('SELECT count(*) AS n FROM refunds').get()).toEqual({ n: 0 });
  });

  it('stores the refund reason only encrypted', async () => {
    const s = await setup();
    const payment = pay(s, s.payments.createInvoice(passportFee(), 'amina').id);
    const reason = 'Décès de Faustin Yakité avant le retrait';
    s.payments.recordRefund(
      {
        paymentId: payment.id,
        amountMinor: 85_000,
        currency: 'XAF',
        reason,
        method: 'cash',
        cashbox: 'guichet-1',
      },
      'consul',
    );
    const row = s.store.db.prepare('SELECT reason_enc FROM refunds').get() as { reason_enc: Uint8Array };
    expect(Buffer.from(row.reason_enc).toString('latin1')).not.toContain('Yakit');
    expect(outboxBacklog(s.store).count).toBeGreaterThan(0);
  });
});
