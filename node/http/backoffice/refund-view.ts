import { decryptField } from '../../crypto/field-cipher.js';
import type { Payment } from '../../services/payments/money-rows.js';
import type { Refund } from '../../services/payments/refunds.js';
import { minorDigits } from '../api/staff/money-view.js';
import type { StaffHttpDeps } from '../api/staff/staff-deps.js';

interface RefundRow {
  id: string;
  paymentId: string;
  voucherNumber: string;
  method: Refund['method'];
  amountMinor: number;
  currency: string;
  cashbox: string | null;
  reasonEnc: Uint8Array;
  businessDate: string;
  recordedBy: string;
  recordedAt: string;
}

const COLUMNS = `r.id, r.payment_id AS paymentId, r.voucher_number AS voucherNumber, r.method,
  r.amount_minor AS amountMinor, r.currency, r.cashbox, r.reason_enc AS reasonEnc,
  r.business_date AS businessDate, r.recorded_by AS recordedBy, r.recorded_at AS recordedAt`;

/**
 * The refunds of an invoice's payments, oldest first. The payments service records refunds but
 * has no reading of them yet; the rows are read here, the reason decrypted with the same binding
 * the service sealed it under.
 */
export function refundsOfInvoice(deps: StaffHttpDeps, invoiceId: string): Refund[] {
  const rows = deps.store.db
    .prepare(
      `SELECT ${COLUMNS} FROM refunds r JOIN payments p ON p.id = r.payment_id
       WHERE p.invoice_id = ? ORDER BY r.recorded_at, r.voucher_number`,
    )
    .all(invoiceId) as RefundRow[];
  return rows.map((row) => decode(deps, row));
}

/** The cash refunds of one cashbox, day and currency: what the day's closing counts out. */
export function cashRefundsOfDay(
  deps: StaffHttpDeps,
  day: { businessDate: string; currency: string; cashbox: string },
): Refund[] {
  const rows = deps.store.db
    .prepare(
      `SELECT ${COLUMNS} FROM refunds r
       WHERE r.method = 'cash' AND r.business_date = ? AND r.currency = ? AND r.cashbox = ?
       ORDER BY r.recorded_at, r.voucher_number`,
    )
    .all(day.businessDate, day.currency, day.cashbox) as RefundRow[];
  return rows.map((row) => decode(deps, row));
}

/** What is left to refund of a payment, and the form's prefilled amount when the viewer may refund. */
export function refundableOf(payment: Payment, mayRefund: boolean) {
  const leftMinor = payment.amountMinor - payment.refundedMinor;
  return {
    canRefund: mayRefund && leftMinor > 0,
    refundableText: typedAmount(leftMinor, payment.currency),
  };
}

/** An amount as an agent types it (`25000`, `60,50`): the inverse of parseMajorAmount. */
export function typedAmount(amountMinor: number, currency: string): string {
  const digits = minorDigits(currency);
  const units = String(Math.trunc(amountMinor / 10 ** digits));
  return digits === 0 ? units : `${units},${String(amountMinor % 10 ** digits).padStart(digits, '0')}`;
}

function decode(deps: StaffHttpDeps, row: RefundRow): Refund {
  const { reasonEnc, ...refund } = row;
  const binding = { table: 'refunds', column: 'reason_enc', rowId: row.id };
  return { ...refund, reason: decryptField(deps.store.keys.field, reasonEnc, binding) };
}
