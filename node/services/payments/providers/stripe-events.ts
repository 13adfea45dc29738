import { z } from 'zod';
import { isIsoCurrency } from '../../../../common/money/index.js';
import type { ProviderEvent, WebhookVerification } from '../provider.js';
import { fromStripeAmount } from './stripe-amounts.js';

// Stripe adds fields over time: the schemas hold what the node reads, and let the rest through.
const eventSchema = z.object({
  id: z.string().min(1).max(255),
  object: z.literal('event'),
  type: z.string().min(1).max(100),
  created: z.int().min(0),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});

const sessionSchema = z.object({
  id: z.string().min(1).max(255),
  object: z.literal('checkout.session'),
  amount_total: z.int().min(0).nullable(),
  currency: z
    .string()
    .regex(/^[a-z]{3}$/)
    .nullable(),
  payment_status: z.enum(['paid', 'unpaid', 'no_payment_required']),
});

type Session = z.infer<typeof sessionSchema>;

/**
 * The Checkout events the node acts on, and what each means for it. `completed` is a payment only
 * once paid: a delayed method (a bank debit) completes unpaid, then sends `async_payment_succeeded`
 * or `async_payment_failed` (docs.stripe.com/checkout/fulfillment).
 */
const CHECKOUT_EVENTS = new Map<string, (session: Session) => ProviderEvent['type'] | undefined>([
  [
    'checkout.session.completed',
    (session) => (session.payment_status === 'paid' ? 'payment.succeeded' : undefined),
  ],
  ['checkout.session.async_payment_succeeded', () => 'payment.succeeded'],
  ['checkout.session.async_payment_failed', () => 'payment.failed'],
  ['checkout.session.expired', () => 'payment.failed'],
]);

/** A verified Stripe event (already JSON) in the node's terms; never throws. */
export function toProviderEvent(payload: unknown): WebhookVerification {
  const event = eventSchema.safeParse(payload);
  if (!event.success) return { ok: false, reason: 'malformed' };
  const { id, type, created, data } = event.data;
  const meaning = CHECKOUT_EVENTS.get(type);
  if (meaning === undefined) return { ok: true, ignored: { eventId: id, type } };
  const session = sessionSchema.safeParse(data.object);
  if (!session.success) return { ok: false, reason: 'malformed' };
  const eventType = meaning(session.data);
  if (eventType === undefined) return { ok: true, ignored: { eventId: id, type } };
  const currency = session.data.currency?.toUpperCase() ?? '';
  const amountMinor =
    isIsoCurrency(currency) && session.data.amount_total !== null
      ? fromStripeAmount(session.data.amount_total, currency)
      : undefined;
  // A failure carries no money: only a success needs an amount the node can compare with the checkout's.
  if (amountMinor === undefined && eventType === 'payment.succeeded')
    return { ok: false, reason: 'malformed' };
  return {
    ok: true,
    event: {
      eventId: id,
      type: eventType,
      providerRef: session.data.id,
      amountMinor: amountMinor ?? 0,
      currency,
      occurredAt: new Date(created * 1000).toISOString(),
    },
  };
}
