import { immediateTransaction } from '../../db/transaction.js';
import { mustGetInvoice } from './invoices.js';
import type { PaymentContext } from './payment-context.js';
import type {
  IgnoredEvent,
  PaymentProvider,
  ProviderEvent,
  WebhookRefusal,
  WebhookRequest,
} from './provider.js';
import { insertPayment } from './settle.js';
import { bodyDigest } from './webhook-signature.js';

/** What became of a verified event. */
export type WebhookOutcome =
  /** The invoice is paid; its file, if awaiting payment, is back in review. */
  | 'paid'
  /** Money arrived for an invoice no longer open (paid at the counter meanwhile): recorded, to refund. */
  | 'paid_not_open'
  | 'failed'
  /** Nothing of ours: no checkout with that reference. */
  | 'unknown_checkout'
  /** Another event already settled this checkout. */
  | 'checkout_settled'
  /** The amount or currency differs from the checkout's: nothing recorded, for the consul to look at. */
  | 'amount_mismatch'
  /** Authentic, of a type the node does not act on: only its id is kept, so a resend is a duplicate. */
  | 'ignored';

/** The answer to a webhook: the HTTP layer replies 2xx to all but `rejected`. */
export type WebhookResult =
  | { readonly status: 'rejected'; readonly reason: WebhookRefusal }
  | { readonly status: 'duplicate'; readonly eventId: string }
  | {
      readonly status: 'applied';
      readonly eventId: string;
      readonly outcome: WebhookOutcome;
      readonly paymentId?: string;
    };

interface CheckoutRow {
  id: string;
  invoice_id: string;
  amount_minor: number;
  currency: string;
  state: 'pending' | 'succeeded' | 'failed';
}

/**
 * Applies a provider's webhook exactly once. A forged or stale one changes nothing and is logged
 * in webhook_rejections; a replayed one (same provider event id) changes nothing. The event id is
 * recorded in the transaction of its effect, so a crash between the two cannot apply it twice.
 */
export function applyWebhook(
  ctx: PaymentContext,
  provider: PaymentProvider,
  request: WebhookRequest,
): WebhookResult {
  const now = ctx.now();
  const verification = provider.verifyWebhook(request, now);
  if (!verification.ok) {
    ctx.store.db
      .prepare(
        'INSERT INTO webhook_rejections (provider, reason, body_digest, received_at) VALUES (?, ?, ?, ?)',
      )
      .run(provider.name, verification.reason, bodyDigest(request.rawBody), now.toISOString());
    return { status: 'rejected', reason: verification.reason };
  }
  return applyEventOnce(ctx, provider.name, verification, now);
}

/**
 * Applies an authentic event once: the same event id (a replayed webhook, a notice and a poll that
 * found the same result) finds its row in webhook_events, written in the transaction of its effect.
 */
export function applyEventOnce(
  ctx: PaymentContext,
  providerName: string,
  verified: { readonly event: ProviderEvent } | { readonly ignored: IgnoredEvent },
  now: Date,
): Exclude<WebhookResult, { status: 'rejected' }> {
  const eventId = 'event' in verified ? verified.event.eventId : verified.ignored.eventId;
  return immediateTransaction(ctx.store.db, () => {
    const seen = ctx.store.db
      .prepare('SELECT 1 FROM webhook_events WHERE provider = ? AND event_id = ?')
      .get(providerName, eventId);
    if (seen !== undefined) return { status: 'duplicate' as const, eventId };
    const { outcome, paymentId } =
      'event' in verified
        ? applyEvent(ctx, providerName, verified.event, now)
        : { outcome: 'ignored' as const, paymentId: undefined };
    ctx.store.db
      .prepare('INSERT INTO webhook_events (provider, event_id, outcome, received_at) VALUES (?, ?, ?, ?)')
      .run(providerName, eventId, outcome, now.toISOString());
    return { status: 'applied' as const, eventId, outcome, ...(paymentId ? { paymentId } : {}) };
  });
}

/** Webhooks refused, newest first: for the consul and the IT referent. */
export function webhookRejections(ctx: PaymentContext, limit = 100) {
  return ctx.store.db
    .prepare(
      `SELECT provider, reason, body_digest AS bodyDigest, received_at AS receivedAt
       FROM webhook_rejections ORDER BY id DESC LIMIT ?`,
    )
    .all(limit) as { provider: string; reason: WebhookRefusal; bodyDigest: string; receivedAt: string }[];
}

function applyEvent(
  ctx: PaymentContext,
  providerName: string,
  event: ProviderEvent,
  now: Date,
): { outcome: WebhookOutcome; paymentId?: string } {
  const { db } = ctx.store;
  const checkout = db
    .prepare('SELECT * FROM checkouts WHERE provider = ? AND provider_ref = ?')
    .get(providerName, event.providerRef) as CheckoutRow | undefined;
  if (!checkout) return { outcome: 'unknown_checkout' };
  // A failed attempt may be followed by a successful one on the same checkout (mobile money retries).
  if (checkout.state === 'succeeded') return { outcome: 'checkout_settled' };
  const setState = (state: CheckoutRow['state']) =>
    db.prepare('UPDATE checkouts SET state = ? WHERE id = ?').run(state, checkout.id);
  if (event.type === 'payment.failed') {
    setState('failed');
    return { outcome: 'failed' };
  }
  if (event.amountMinor !== checkout.amount_minor || event.currency !== checkout.currency)
    return { outcome: 'amount_mismatch' };
  setState('succeeded');
  const invoice = mustGetInvoice(ctx, checkout.invoice_id);
  const payment = insertPayment(ctx, {
    invoice,
    method: 'online',
    amountMinor: event.amountMinor,
    currency: event.currency,
    cashbox: null,
    provider: providerName,
    providerRef: event.providerRef,
    actor: `system:provider:${providerName}`,
    now,
  });
  return { outcome: invoice.state === 'open' ? 'paid' : 'paid_not_open', paymentId: payment.id };
}
