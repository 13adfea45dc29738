import { toTypedAmount } from '../../../common/money/index.js';
import type { Payment } from '../../services/payments/money-rows.js';

/** What is left to refund of a payment, and the form's prefilled amount when the viewer may refund. */
export function refundableOf(payment: Payment, mayRefund: boolean) {
  const leftMinor = payment.amountMinor - payment.refundedMinor;
  return {
    canRefund: mayRefund && leftMinor > 0,
    refundableText: toTypedAmount(leftMinor, payment.currency),
  };
}
