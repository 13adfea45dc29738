import { afterEach, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { readBatch } from '../node/services/outbox/outbox.js';
import { PaymentError } from '../node/services/payments/errors.js';
import { createPaymentService, type PaymentService } from '../node/services/payments/payment-service.js';
import { openTempStore, type TempStore } from './_util/node-store.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

interface Setup extends TempStore {
  payments: PaymentService;
  clock: { now: Date };
}

async function setup(): Promise<Setup> {
  const temp = await openTempStore();
  cleanups.push(temp.cleanup);
  const clock = { now: new Date('2026-03-02T09:00:00.000Z') };
  const payments = createPaymentService({
    store: temp.store,
    receiptPrefix: 'PAR',
    timeZone: 'Europe/Paris',
    now: () => clock.now,
  });
  return { ...temp, payments, clock };
}

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

function payCash(s: Setup, amountMinor: number, currency = 'XAF', cashbox = 'guichet-1') {
  const invoice = s.payments.createInvoice(
    { serviceCode: 'legalisation', lines: [{ label: 'Légalisation', unitMinor: amountMinor, currency }] },
    'amina',
  );
  return s.payments.recordCashPayment({ invoiceId: invoice.id, amountMinor, currency, cashbox }, 'amina');
}

const day = { businessDate: '2026-03-02', currency: 'XAF', cashbox: 'guichet-1' };

describe('node payments: daily cash closing', () => {
  it('closes a day that balances: the day’s cash payments less its cash refunds', async () => {
    const s = await setup();
    const first = payCash(s, 10_000);
    payCash(s, 25_000);
    payCash(s, 99_000, 'EUR');
    payCash(s, 7_000, 'XAF', 'guichet-2');
    s.payments.recordRefund(
      {
        paymentId: first.id,
        amountMinor: 4_000,
        currency: 'XAF',
        reason: 'trop perçu',
        method: 'cash',
        cashbox: 'guichet-1',
      },
      'consul',
    );
    expect(s.payments.cashDaySummary(day)).toMatchObject({
      paymentsMinor: 35_000,
      paymentCount: 2,
      refundsMinor: 4_000,
      refundCount: 1,
      expectedMinor: 31_000,
      closing: undefined,
    });
    const closing = s.payments.closeCashDay({ ...day, countedMinor: 31_000 }, 'amina');
    expect(closing).toMatchObject({
      status: 'balanced',
      expectedMinor: 31_000,
      differenceMinor: 0,
      closedBy: 'amina',
    });
    const event = readBatch(s.store, { limit: 100, maxBytes: 1e6 }).find(
      (e) => e.event.kind === 'cash.closed',
    );
    expect(event?.event.data).toEqual({
      businessDate: '2026-03-02',
      currency: 'XAF',
      cashbox: 'guichet-1',
      expectedMinor: 31_000,
      countedMinor: 31_000,
      differenceMinor: 0,
      status: 'balanced',
      closedAt: '2026-03-02T09:00:00.000Z',
    });
    expect(s.payments.cashDaySummary(day).closing?.id).toBe(closing.id);
  });

  it('refuses a count that does not balance unless a note explains it, then shows it to the consul', async () => {
    const s = await setup();
    payCash(s, 10_000);
    const refused = expectPaymentError(
      () => s.payments.closeCashDay({ ...day, countedMinor: 9_500 }, 'amina'),
      'closing_unbalanced',
    );
    expect(refused.details).toEqual({ expectedMinor: 10_000, countedMinor: 9_500, differenceMinor: -500 });
    expect(s.payments.listClosings()).toEqual([]);
    const note = 'Billet de 500 XAF manquant, recompté deux fois';
    const closing = s.payments.closeCashDay({ ...day, countedMinor: 9_500, note }, 'amina');
    expect(closing).toMatchObject({ status: 'discrepancy', differenceMinor: -500, note });
    expect(s.payments.listClosings({ status: 'discrepancy' })).toEqual([closing]);
    expect(s.payments.listClosings({ status: 'balanced' })).toEqual([]);
    const stored = s.store.db.prepare('SELECT note_enc FROM cash_closings').get() as { note_enc: Uint8Array };
    expect(Buffer.from(stored.note_enc).toString('latin1')).not.toContain('manquant');
  });

  it('refuses cash payments and cash refunds into a closed day, and only that day', async () => {
    const s = await setup();
    const payment = payCash(s, 10_000);
    s.payments.closeCashDay({ ...day, countedMinor: 10_000 }, 'amina');
    const closed = expectPaymentError(() => payCash(s, 5_000), 'day_closed');
    expect(closed.details).toEqual({ businessDate: '2026-03-02' });
    expectPaymentError(
      () =>
        s.payments.recordRefund(
          {
            paymentId: payment.id,
            amountMinor: 1_000,
            currency: 'XAF',
            reason: 'erreur',
            method: 'cash',
            cashbox: 'guichet-1',
          },
          'consul',
        ),
      'day_closed',
    );
    expect(s.payments.cashDaySummary(day)).toMatchObject({ paymentCount: 1, refundCount: 0 });
    expect(payCash(s, 5_000, 'EUR').receiptNumber).toBe('PAR-2026-000002');
    expect(payCash(s, 5_000, 'XAF', 'guichet-2').receiptNumber).toBe('PAR-2026-000003');
    s.clock.now = new Date('2026-03-02T23:30:00.000Z');
    expect(payCash(s, 5_000).businessDate).toBe('2026-03-03');
  });

  it('refuses closing a day twice or a day that has not begun', async () => {
    const s = await setup();
    s.payments.closeCashDay({ ...day, countedMinor: 0 }, 'amina');
    expectPaymentError(() => s.payments.closeCashDay({ ...day, countedMinor: 0 }, 'amina'), 'already_closed');
    expectPaymentError(
      () => s.payments.closeCashDay({ ...day, businessDate: '2026-03-03', countedMinor: 0 }, 'amina'),
      'future_day',
    );
    expect(() => s.payments.closeCashDay({ ...day, countedMinor: -1 }, 'amina')).toThrow(ZodError);
    expect(() => s.payments.closeCashDay({ ...day, countedMinor: 1.5 }, 'amina')).toThrow(ZodError);
  });

  it('lists the days with cash movements that nobody closed', async () => {
    const s = await setup();
    payCash(s, 10_000);
    payCash(s, 2_000, 'EUR');
    s.clock.now = new Date('2026-03-03T09:00:00.000Z');
    payCash(s, 3_000);
    s.payments.closeCashDay({ ...day, countedMinor: 10_000 }, 'amina');
    expect(s.payments.unclosedCashDays()).toEqual([
      { businessDate: '2026-03-02', currency: 'EUR', cashbox: 'guichet-1' },
      { businessDate: '2026-03-03', currency: 'XAF', cashbox: 'guichet-1' },
    ]);
  });
});
