import type { PaymentContext } from '../payment-context.js';
import type { ReportLine } from './report-line.js';

/** What a report line is to the node's books. */
export type LineOutcome = 'matched' | 'duplicate' | 'amount_mismatch' | 'unknown_reference' | 'other';

/** A line's outcome, with the payment it names when it names one. */
export interface LineMatch {
  readonly outcome: LineOutcome;
  readonly paymentId?: string;
  /** What the node recorded for that payment, when the line says otherwise. */
  readonly expectedMinor?: number;
}

interface PaymentRow {
  id: string;
  amount_minor: number;
  currency: string;
}

/**
 * Matches one line against the payments of `provider` and the lines already stored (this file's
 * earlier lines and every earlier import): a provider transaction, and a payment, count once.
 */
export function matchLine(ctx: PaymentContext, provider: string, line: ReportLine): LineMatch {
  const { db } = ctx.store;
  const counted = db
    .prepare(
      "SELECT 1 FROM settlement_lines WHERE provider = ? AND provider_txn_id = ? AND outcome <> 'duplicate'",
    )
    .get(provider, line.providerTxnId);
  if (counted !== undefined) return { outcome: 'duplicate' };
  if (!line.isPayment) return { outcome: 'other' };
  const payment = paymentOf(ctx, provider, line);
  if (payment === undefined) return { outcome: 'unknown_reference' };
  const settled = db
    .prepare(
      "SELECT 1 FROM settlement_lines WHERE payment_id = ? AND outcome IN ('matched', 'amount_mismatch')",
    )
    .get(payment.id);
  // Another transaction naming a payment already settled: the same money reported twice.
  if (settled !== undefined) return { outcome: 'duplicate', paymentId: payment.id };
  if (payment.amount_minor !== line.grossMinor || payment.currency !== line.currency)
    return { outcome: 'amount_mismatch', paymentId: payment.id, expectedMinor: payment.amount_minor };
  return { outcome: 'matched', paymentId: payment.id };
}

// The checkout the provider's reference names (Stripe: our checkout id in the payment's metadata),
// else the invoice (MoMo: the request to pay's externalId), its first payment not yet settled.
function paymentOf(ctx: PaymentContext, provider: string, line: ReportLine): PaymentRow | undefined {
  const { db } = ctx.store;
  if (line.checkoutId !== undefined) {
    const byCheckout = db
      .prepare(
        `SELECT p.id, p.amount_minor, p.currency FROM checkouts c
         JOIN payments p ON p.provider = c.provider AND p.provider_ref = c.provider_ref
         WHERE c.id = ? AND c.provider = ?`,
      )
      .get(line.checkoutId, provider) as PaymentRow | undefined;
    if (byCheckout) return byCheckout;
  }
  if (line.invoiceId === undefined) return undefined;
  const ofInvoice = db
    .prepare(
      `SELECT p.id, p.amount_minor, p.currency FROM payments p
       WHERE p.invoice_id = ? AND p.provider = ? AND p.method = 'online'
       ORDER BY (SELECT count(*) FROM settlement_lines s WHERE s.payment_id = p.id), p.recorded_at`,
    )
    .all(line.invoiceId, provider) as PaymentRow[];
  return ofInvoice[0];
}
