import type { Store } from '../../db/store.js';
import { immediateTransaction } from '../../db/transaction.js';
import { PaymentError, PaymentErrorCode } from './errors.js';
import { mustGetInvoice } from './invoices.js';
import type { Payment } from './money-rows.js';
import { businessDate, type PaymentContext } from './payment-context.js';
import { type CashPaymentInput, cashPaymentSchema } from './payment-schema.js';
import { insertPayment } from './settle.js';

/**
 * Records cash taken at the counter, with the next receipt number. Partial payments are refused:
 * consular fees are due in full before a file is processed, and a half-paid invoice would leave
 * the file's workflow and the receipt ambiguous. The agent states the amount taken, which must be
 * the amount due — change is given from the drawer and is not part of the payment.
 */
export function recordCashPayment(ctx: PaymentContext, input: CashPaymentInput, actor: string): Payment {
  const valid = cashPaymentSchema.parse(input);
  const now = ctx.now();
  return immediateTransaction(ctx.store.db, () => {
    const invoice = mustGetInvoice(ctx, valid.invoiceId);
    if (invoice.state !== 'open')
      throw new PaymentError(PaymentErrorCode.InvoiceNotOpen, `the invoice is ${invoice.state}`);
    if (valid.currency !== invoice.currency)
      throw new PaymentError(PaymentErrorCode.CurrencyMismatch, `the invoice is in ${invoice.currency}`);
    if (valid.amountMinor !== invoice.totalMinor)
      throw new PaymentError(PaymentErrorCode.AmountMismatch, 'the amount must be the amount due, in full', {
        dueMinor: invoice.totalMinor,
        givenMinor: valid.amountMinor,
      });
    assertCashDayOpen(ctx.store, businessDate(now, ctx.timeZone), valid.currency, valid.cashbox);
    return insertPayment(ctx, {
      invoice,
      method: 'cash',
      amountMinor: valid.amountMinor,
      currency: valid.currency,
      cashbox: valid.cashbox,
      provider: null,
      providerRef: null,
      actor,
      now,
    });
  });
}

/** Throws day_closed when the cashbox's day is already closed for this currency. */
export function assertCashDayOpen(store: Store, date: string, currency: string, cashbox: string): void {
  const closed = store.db
    .prepare('SELECT 1 FROM cash_closings WHERE business_date = ? AND currency = ? AND cashbox = ?')
    .get(date, currency, cashbox);
  if (closed !== undefined)
    throw new PaymentError(
      PaymentErrorCode.DayClosed,
      `cashbox ${cashbox} is closed for ${date} in ${currency}`,
      {
        businessDate: date,
      },
    );
}
