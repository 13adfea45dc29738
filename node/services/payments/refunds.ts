import { randomUUID } from 'node:crypto';
import { decryptField, encryptField, type FieldBinding } from '../../crypto/field-cipher.js';
import type { Store } from '../../db/store.js';
import { immediateTransaction } from '../../db/transaction.js';
import { assertCashDayOpen } from './cash-payments.js';
import { providerNamed } from './checkouts.js';
import { PaymentError, PaymentErrorCode } from './errors.js';
import { MoneyEvent, recordMoneyChange } from './money-records.js';
import { type Payment, selectPayment } from './money-rows.js';
import { allocateNumber } from './number-series.js';
import { businessDate, type PaymentContext } from './payment-context.js';
import { type RefundInput, refundSchema } from './payment-schema.js';
import type { ProviderRefund } from './provider.js';
import { ProviderCallError } from './providers/provider-call-error.js';

/** A refund as recorded (its reason stays encrypted in the store; agents read it on the voucher). */
export interface Refund {
  readonly id: string;
  readonly paymentId: string;
  readonly voucherNumber: string;
  readonly method: 'cash' | 'provider';
  readonly amountMinor: number;
  readonly currency: string;
  readonly cashbox: string | null;
  readonly reason: string;
  readonly businessDate: string;
  readonly recordedBy: string;
  readonly recordedAt: string;
}

/**
 * Refunds part or all of a payment, with a reason and a voucher number. The refunds of a payment
 * never add up to more than it; a cash refund comes out of an open cashbox day and is counted
 * against it at closing.
 */
export function recordRefund(ctx: PaymentContext, input: RefundInput, actor: string): Refund {
  const valid = refundSchema.parse(input);
  const now = ctx.now();
  const date = businessDate(now, ctx.timeZone);
  return immediateTransaction(ctx.store.db, (): Refund => {
    const payment = mustGetPayment(ctx, valid.paymentId);
    assertRefundable(payment, valid);
    if (valid.cashbox !== undefined) assertCashDayOpen(ctx.store, date, valid.currency, valid.cashbox);
    const refund: Refund = {
      id: randomUUID(),
      paymentId: payment.id,
      voucherNumber: allocateNumber(ctx.store, ctx.receiptPrefix, 'refund', date),
      method: valid.method,
      amountMinor: valid.amountMinor,
      currency: valid.currency,
      cashbox: valid.cashbox ?? null,
      reason: valid.reason,
      businessDate: date,
      recordedBy: actor,
      recordedAt: now.toISOString(),
    };
    insertRefund(ctx, refund);
    recordRefundChange(ctx, payment, refund);
    return refund;
  });
}

/**
 * Sends a refund recorded with method `provider` through the provider's API, once the refund is
 * committed (a network call, outside any transaction). Safe to call again after a failure or a
 * crash: the provider keys the refund by our refund id, so it is never made twice.
 */
export async function sendProviderRefund(ctx: PaymentContext, refundId: string): Promise<ProviderRefund> {
  const row = ctx.store.db
    .prepare(
      `SELECT r.method, r.amount_minor AS amountMinor, r.currency, p.provider, p.provider_ref AS providerRef
       FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE r.id = ?`,
    )
    .get(refundId) as
    | {
        method: string;
        amountMinor: number;
        currency: string;
        provider: string | null;
        providerRef: string | null;
      }
    | undefined;
  if (!row) throw new PaymentError(PaymentErrorCode.RefundNotFound, `no refund ${refundId}`);
  const provider = row.provider === null ? undefined : providerNamed(ctx, row.provider);
  if (row.method !== 'provider' || !provider?.refund || row.providerRef === null)
    throw new PaymentError(PaymentErrorCode.RefundMethodNotPossible, 'not a refund the provider can make');
  const { amountMinor, currency, providerRef } = row;
  return provider.refund({ refundId, providerRef, amountMinor, currency });
}

/** What became of a recorded refund handed to its provider. */
export type ProviderRefundSending =
  | { readonly sent: true; readonly refund: ProviderRefund }
  /** Cash, or a provider without a refund API (the simulated one): the money goes back by hand. */
  | { readonly sent: false; readonly reason: 'not_sendable' }
  /** The provider refused or could not be reached: the refund stays recorded, and may be sent again. */
  | { readonly sent: false; readonly reason: 'provider_error'; readonly message: string };

/**
 * {@link sendProviderRefund} for the screens: a refund the provider cannot make, or a failed call,
 * is an answer to show rather than an error, since the refund itself is recorded either way.
 */
export async function trySendProviderRefund(
  ctx: PaymentContext,
  refundId: string,
): Promise<ProviderRefundSending> {
  try {
    return { sent: true, refund: await sendProviderRefund(ctx, refundId) };
  } catch (error) {
    if (error instanceof PaymentError && error.code === PaymentErrorCode.RefundMethodNotPossible)
      return { sent: false, reason: 'not_sendable' };
    if (error instanceof ProviderCallError)
      return { sent: false, reason: 'provider_error', message: error.message };
    throw error;
  }
}

/** The payment, or a PaymentError payment_not_found. */
export function mustGetPayment(ctx: PaymentContext, paymentId: string): Payment {
  const payment = selectPayment(ctx.store, paymentId);
  if (!payment) throw new PaymentError(PaymentErrorCode.PaymentNotFound, `no payment ${paymentId}`);
  return payment;
}

/** The refunds of an invoice's payments, oldest first, reasons decrypted. */
export function selectRefundsOfInvoice(store: Store, invoiceId: string): Refund[] {
  const rows = store.db
    .prepare(
      `SELECT ${REFUND_COLUMNS} FROM refunds r JOIN payments p ON p.id = r.payment_id
       WHERE p.invoice_id = ? ORDER BY r.recorded_at, r.voucher_number`,
    )
    .all(invoiceId) as RefundRow[];
  return rows.map((row) => decodeRefund(store, row));
}

/** The cash refunds of one cashbox, day and currency: what the day's closing counts out. */
export function selectCashRefundsOfDay(
  store: Store,
  day: { businessDate: string; currency: string; cashbox: string },
): Refund[] {
  const rows = store.db
    .prepare(
      `SELECT ${REFUND_COLUMNS} FROM refunds r
       WHERE r.method = 'cash' AND r.business_date = ? AND r.currency = ? AND r.cashbox = ?
       ORDER BY r.recorded_at, r.voucher_number`,
    )
    .all(day.businessDate, day.currency, day.cashbox) as RefundRow[];
  return rows.map((row) => decodeRefund(store, row));
}

type RefundRow = Omit<Refund, 'reason'> & { reasonEnc: Uint8Array };

const REFUND_COLUMNS = `r.id, r.payment_id AS paymentId, r.voucher_number AS voucherNumber, r.method,
  r.amount_minor AS amountMinor, r.currency, r.cashbox, r.reason_enc AS reasonEnc,
  r.business_date AS businessDate, r.recorded_by AS recordedBy, r.recorded_at AS recordedAt`;

function decodeRefund(store: Store, row: RefundRow): Refund {
  const { reasonEnc, ...refund } = row;
  return { ...refund, reason: decryptField(store.keys.field, reasonEnc, reasonBinding(row.id)) };
}

// The reason is sealed to its row: a ciphertext moved to another refund does not open.
function reasonBinding(refundId: string): FieldBinding {
  return { table: 'refunds', column: 'reason_enc', rowId: refundId };
}

function insertRefund(ctx: PaymentContext, refund: Refund): void {
  const reason = encryptField(ctx.store.keys.field, refund.reason, reasonBinding(refund.id));
  ctx.store.db
    .prepare(
      `INSERT INTO refunds (id, payment_id, voucher_number, method, amount_minor, currency, cashbox, reason_enc,
         business_date, recorded_by, recorded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      refund.id,
      refund.paymentId,
      refund.voucherNumber,
      refund.method,
      refund.amountMinor,
      refund.currency,
      refund.cashbox,
      reason,
      refund.businessDate,
      refund.recordedBy,
      refund.recordedAt,
    );
}

function assertRefundable(payment: Payment, refund: ReturnType<typeof refundSchema.parse>): void {
  if (refund.currency !== payment.currency)
    throw new PaymentError(PaymentErrorCode.CurrencyMismatch, `the payment was in ${payment.currency}`);
  if (refund.method === 'provider' && payment.method !== 'online')
    throw new PaymentError(PaymentErrorCode.RefundMethodNotPossible, 'cash is refunded in cash');
  const refundableMinor = payment.amountMinor - payment.refundedMinor;
  if (refund.amountMinor > refundableMinor)
    throw new PaymentError(PaymentErrorCode.RefundExceedsPayment, 'more than what is left of the payment', {
      refundableMinor,
      givenMinor: refund.amountMinor,
    });
}

function recordRefundChange(ctx: PaymentContext, payment: Payment, refund: Refund): void {
  recordMoneyChange(ctx, {
    kind: MoneyEvent.RefundRecorded,
    entity: 'refund',
    entityId: refund.id,
    actor: refund.recordedBy,
    at: refund.recordedAt,
    before: { paymentId: payment.id, refundedMinor: payment.refundedMinor },
    after: { paymentId: payment.id, refundedMinor: payment.refundedMinor + refund.amountMinor },
    data: {
      paymentId: payment.id,
      invoiceId: payment.invoiceId,
      method: refund.method,
      // HQ splits revenue by provider: a refund through the provider names it, as its payment did.
      ...(refund.method === 'provider' && payment.provider ? { provider: payment.provider } : {}),
      amountMinor: refund.amountMinor,
      currency: refund.currency,
      businessDate: refund.businessDate,
      voucherNumber: refund.voucherNumber,
    },
  });
}
