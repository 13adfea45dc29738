import type { Payment } from '../../services/payments/money-rows.js';
import { minorDigits } from '../api/staff/money-view.js';

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
