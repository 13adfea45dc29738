import type { PaymentService } from '../services/payments/payment-service.js';

/**
 * MTN sends its notice of a mobile money payment once, with no retry: a payment whose notice was
 * lost is found here. Each round asks MTN about the checkouts still pending whose next look is due
 * (their interval doubles from 10 s to 5 min; rounds every 30 s) and expires those past their lifetime; the payments
 * service applies what MTN says through the webhooks' idempotent path.
 */
export function pollPaymentCheckouts(payments: Pick<PaymentService, 'pollPendingCheckouts'> | undefined) {
  return payments?.pollPendingCheckouts();
}
