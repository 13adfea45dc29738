import { providerNamed } from './checkouts.js';
import type { PaymentContext } from './payment-context.js';
import type { PaymentProvider, WebhookRefusal } from './provider.js';
import { bodyDigest } from './webhook-signature.js';
import { applyEventOnce, type WebhookResult } from './webhooks.js';

/** What became of an unsigned notice, or of a look at a checkout's status. */
export type NoticeResult =
  | { readonly status: 'rejected'; readonly reason: WebhookRefusal }
  /** No checkout of ours with that reference at that provider. */
  | { readonly status: 'unknown_checkout' }
  /** The provider says the payer has not decided yet. */
  | { readonly status: 'pending' }
  | Exclude<WebhookResult, { status: 'rejected' }>;

/** A checkout as the waiting page and the polling job read it. */
export interface CheckoutRecord {
  readonly id: string;
  readonly invoiceId: string;
  readonly provider: string;
  readonly providerRef: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly state: 'pending' | 'succeeded' | 'failed';
  readonly createdAt: string;
}

const CHECKOUT_COLUMNS = `id, invoice_id AS invoiceId, provider, provider_ref AS providerRef,
  amount_minor AS amountMinor, currency, state, created_at AS createdAt`;

/** The checkout of that id. */
export function selectCheckout(ctx: PaymentContext, checkoutId: string): CheckoutRecord | undefined {
  return ctx.store.db.prepare(`SELECT ${CHECKOUT_COLUMNS} FROM checkouts WHERE id = ?`).get(checkoutId) as
    | CheckoutRecord
    | undefined;
}

/**
 * A provider's unsigned notice (MTN MoMo's callback): its body is not read. The secret in its URL
 * must be the checkout's, else it is refused and logged like a forged webhook; then the node asks
 * the provider for the checkout's status and applies what the provider says, once.
 */
export async function applyNotice(
  ctx: PaymentContext,
  providerName: string,
  providerRef: string,
  secret: string,
): Promise<NoticeResult> {
  const provider = providerNamed(ctx, providerName);
  const now = ctx.now();
  if (!provider.checkoutStatus || !provider.authenticateNotice?.(providerRef, secret)) {
    ctx.store.db
      .prepare(
        'INSERT INTO webhook_rejections (provider, reason, body_digest, received_at) VALUES (?, ?, ?, ?)',
      )
      .run(provider.name, 'bad_signature', bodyDigest(`${providerRef}/${secret}`), now.toISOString());
    return { status: 'rejected', reason: 'bad_signature' };
  }
  const checkout = ctx.store.db
    .prepare(`SELECT ${CHECKOUT_COLUMNS} FROM checkouts WHERE provider = ? AND provider_ref = ?`)
    .get(provider.name, providerRef) as CheckoutRecord | undefined;
  if (!checkout) return { status: 'unknown_checkout' };
  return confirmCheckout(ctx, provider, checkout);
}

/**
 * Asks the provider for a checkout's status and applies a final one through the same idempotent
 * path as webhooks: a notice and a poll that both find the payment record it once.
 */
export async function confirmCheckout(
  ctx: PaymentContext,
  provider: PaymentProvider,
  checkout: CheckoutRecord,
): Promise<NoticeResult> {
  if (checkout.state === 'succeeded') return { status: 'duplicate', eventId: checkout.providerRef };
  if (!provider.checkoutStatus) throw new TypeError(`${provider.name} has no status to ask`);
  const status = await provider.checkoutStatus(checkout.providerRef);
  if (status.state === 'pending') return { status: 'pending' };
  return applyEventOnce(ctx, provider.name, { event: status.event }, ctx.now());
}

/**
 * Gives up on a checkout pending past its provider's lifetime: it fails, so a new one can be
 * opened. A payment the provider reports later is still recorded (a failed checkout can succeed).
 */
export function expireCheckout(ctx: PaymentContext, checkout: CheckoutRecord): NoticeResult {
  return applyEventOnce(
    ctx,
    checkout.provider,
    {
      event: {
        eventId: `${checkout.providerRef}:EXPIRED`,
        type: 'payment.failed',
        providerRef: checkout.providerRef,
        amountMinor: 0,
        currency: checkout.currency,
        occurredAt: ctx.now().toISOString(),
      },
    },
    ctx.now(),
  );
}
