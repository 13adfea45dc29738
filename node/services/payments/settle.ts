import { randomUUID } from 'node:crypto';
import { FileError, FileErrorCode } from '../files/errors.js';
import { enqueueSms } from '../outbox/sms-outbox.js';
import { MoneyEvent, recordMoneyChange } from './money-records.js';
import { type Invoice, type Payment, selectPayment } from './money-rows.js';
import { allocateNumber } from './number-series.js';
import { businessDate, type PaymentContext } from './payment-context.js';
import { paymentReceiptText } from './payment-messages.js';

/** A payment about to be recorded against an invoice. */
export interface NewPayment {
  readonly invoice: Invoice;
  readonly method: 'cash' | 'online';
  readonly amountMinor: number;
  readonly currency: string;
  readonly cashbox: string | null;
  readonly provider: string | null;
  readonly providerRef: string | null;
  readonly actor: string;
  readonly now: Date;
}

/**
 * Records a payment inside the caller's transaction: receipt number, row, invoice marked paid,
 * audit entry and event, the linked file taken out of awaiting_payment, the payer's SMS.
 */
export function insertPayment(ctx: PaymentContext, payment: NewPayment): Payment {
  const { invoice } = payment;
  const date = businessDate(payment.now, ctx.timeZone);
  const at = payment.now.toISOString();
  const id = randomUUID();
  const receiptNumber = allocateNumber(ctx.store, ctx.receiptPrefix, 'receipt', date);
  ctx.store.db
    .prepare(
      `INSERT INTO payments (id, invoice_id, receipt_number, method, amount_minor, currency, cashbox, provider,
         provider_ref, business_date, recorded_by, recorded_at)
       VALUES (@id, @invoiceId, @receiptNumber, @method, @amountMinor, @currency, @cashbox, @provider,
         @providerRef, @date, @actor, @at)`,
    )
    .run({
      id,
      invoiceId: invoice.id,
      receiptNumber,
      method: payment.method,
      amountMinor: payment.amountMinor,
      currency: payment.currency,
      cashbox: payment.cashbox,
      provider: payment.provider,
      providerRef: payment.providerRef,
      date,
      actor: payment.actor,
      at,
    });
  if (invoice.state === 'open')
    ctx.store.db.prepare("UPDATE invoices SET state = 'paid', paid_at = ? WHERE id = ?").run(at, invoice.id);
  recordPayment(ctx, payment, { id, receiptNumber, date, at });
  advanceFile(ctx, invoice, payment.actor);
  notifyPayer(ctx, invoice, payment, receiptNumber);
  return selectPayment(ctx.store, id)!;
}

function recordPayment(
  ctx: PaymentContext,
  payment: NewPayment,
  recorded: { id: string; receiptNumber: string; date: string; at: string },
): void {
  const { invoice, amountMinor, currency } = payment;
  const { receiptNumber } = recorded;
  recordMoneyChange(ctx, {
    kind: MoneyEvent.PaymentRecorded,
    entity: 'payment',
    entityId: recorded.id,
    actor: payment.actor,
    at: recorded.at,
    after: { invoiceId: invoice.id, receiptNumber, amountMinor, currency },
    data: {
      invoiceId: invoice.id,
      serviceCode: invoice.serviceCode,
      method: payment.method,
      // HQ splits revenue by provider (stripe, momo…); a cash payment's method says it all.
      ...(payment.provider ? { provider: payment.provider } : {}),
      amountMinor,
      currency,
      businessDate: recorded.date,
      receiptNumber,
    },
  });
}

// A paid file goes back to review. A service whose workflow has no such move keeps its state:
// the money is recorded all the same, and the agent moves the file by hand.
function advanceFile(ctx: PaymentContext, invoice: Invoice, actor: string): void {
  if (!ctx.files || invoice.fileId === null) return;
  if (ctx.files.get(invoice.fileId)?.state !== 'awaiting_payment') return;
  try {
    ctx.files.transition(invoice.fileId, { to: 'in_review', expectedFrom: 'awaiting_payment' }, actor);
  } catch (error) {
    if (!(error instanceof FileError && error.code === FileErrorCode.TransitionNotAllowed)) throw error;
  }
}

function notifyPayer(ctx: PaymentContext, invoice: Invoice, payment: NewPayment, receipt: string): void {
  if (!ctx.people || invoice.personId === null) return;
  const phone = ctx.people.get(invoice.personId)?.phone;
  if (phone === undefined) return;
  const lang = (invoice.fileId && ctx.files?.get(invoice.fileId)?.lang) || 'fr';
  const text = paymentReceiptText(lang, payment.amountMinor, payment.currency, receipt);
  enqueueSms(ctx.store, { to: phone, text, purpose: 'payment_receipt', ref: invoice.id }, payment.now);
}
