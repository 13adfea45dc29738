import type { SettlementFormat } from './settlements/report-line.js';

/** What the node asks a provider for: a hosted page where the applicant pays one invoice. */
export interface CheckoutRequest {
  /** The node's id of the checkout, echoed back by providers that accept a client reference. */
  readonly checkoutId: string;
  readonly invoiceId: string;
  readonly amountMinor: number;
  readonly currency: string;
  /** Short text shown on the provider's page (service code and invoice), nothing personal. */
  readonly description: string;
  readonly returnUrl?: string;
  /** The payer's phone as they typed it, for mobile money: the provider asks it to approve. */
  readonly payerPhone?: string;
}

/** The provider's answer: its reference of the checkout and where to send the applicant. */
export interface CheckoutSession {
  readonly providerRef: string;
  readonly redirectUrl: string;
}

/** A checkout the node holds as pending, to be shown again rather than opened twice. */
export interface PendingCheckout {
  readonly checkoutId: string;
  readonly providerRef: string;
  readonly createdAt: Date;
}

/** A webhook as the HTTP layer received it: the raw bytes (the signature is over them) and headers. */
export interface WebhookRequest {
  readonly rawBody: string | Uint8Array;
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
}

/** A verified provider event, in the node's terms. */
export interface ProviderEvent {
  /** The provider's unique id of the event: the key of idempotence. */
  readonly eventId: string;
  readonly type: 'payment.succeeded' | 'payment.failed';
  readonly providerRef: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly occurredAt: string;
}

/** Why a webhook was refused before anything was applied. */
export type WebhookRefusal = 'bad_signature' | 'stale_timestamp' | 'malformed';

/** An authentic event of a type the node does not act on (a provider sends many kinds). */
export interface IgnoredEvent {
  readonly eventId: string;
  /** The provider's own name of the type, as received. */
  readonly type: string;
}

/** The result of verifying a webhook: untrusted input, so a union to branch on. */
export type WebhookVerification =
  | { readonly ok: true; readonly event: ProviderEvent }
  /** Signed and fresh, but nothing for the node to do: answered 2xx so the provider stops resending. */
  | { readonly ok: true; readonly ignored: IgnoredEvent }
  | { readonly ok: false; readonly reason: WebhookRefusal };

/**
 * A checkout's state as the provider's API gives it when asked: what the node trusts from a
 * provider whose notices are not signed, and what it learns by polling when no notice came.
 */
export type CheckoutStatus =
  | { readonly state: 'pending' }
  /** Paid or failed: the event is applied as a verified webhook's would be (its id makes it once). */
  | { readonly state: 'settled'; readonly event: ProviderEvent };

/** A refund the node has recorded, to be sent through the provider that took the payment. */
export interface RefundRequest {
  /** The node's id of the refund: the provider's key of idempotence, so it is never sent twice. */
  readonly refundId: string;
  /** The provider's reference of the paid checkout (the payment's provider_ref). */
  readonly providerRef: string;
  readonly amountMinor: number;
  readonly currency: string;
}

/** The provider's record of a refund. */
export interface ProviderRefund {
  readonly providerRefundRef: string;
  /** As the provider says; `pending` refunds complete later on its side. */
  readonly status: 'pending' | 'succeeded' | 'failed' | 'canceled' | 'requires_action';
}

/**
 * An online payment provider (card, mobile money). Adapters translate the provider's API and
 * webhook format; everything after verification — idempotence, amounts, receipts — is the node's.
 */
export interface PaymentProvider {
  /** Lower-case name, stored with checkouts and events (`simulated`, `cinetpay`, …). */
  readonly name: string;
  createCheckout(request: CheckoutRequest): Promise<CheckoutSession>;
  /**
   * A pending checkout's page again (a double click, a second tab), while the provider still takes
   * the payment on it; undefined once it expired or ended. Without it, each start opens a checkout.
   */
  resumeCheckout?(checkout: PendingCheckout, now: Date): Promise<CheckoutSession | undefined>;
  /** Checks the signature and freshness, then parses; never throws on untrusted input. */
  verifyWebhook(request: WebhookRequest, now: Date): WebhookVerification;
  /**
   * Refunds through the provider's API, where it has one. The same `refundId` asked again (a retry,
   * a crash before the answer) finds the refund already made instead of making a second one.
   */
  refund?(request: RefundRequest): Promise<ProviderRefund>;
  /**
   * Providers whose notices are unsigned (mobile money): the notice only says "ask me", and the
   * node asks. Also how a checkout whose notice never came is settled by the polling job.
   */
  checkoutStatus?(providerRef: string): Promise<CheckoutStatus>;
  /** Whether the secret in an unsigned notice's URL is the one given to the provider for that checkout. */
  authenticateNotice?(providerRef: string, secret: string): boolean;
  /**
   * The provider's reference of a checkout is our checkout id (MoMo's `X-Reference-Id`): the node
   * records the checkout before calling the provider, so that a crash or a lost answer after the
   * provider accepted it leaves a pending checkout for the polling job to find, never a payment
   * the node knows nothing of.
   */
  readonly referencesCheckoutId?: boolean;
  /** How long a checkout may stay pending before the node gives up on it (polled providers). */
  readonly pendingLifetimeMs?: number;
  /**
   * The origins of the provider's hosted pages the applicant is sent to (`https://checkout.stripe.com`):
   * the portal's payment forms may lead there. None for a provider whose pages are the node's own.
   */
  readonly pageOrigins?: readonly string[];
  /** The format of the provider's settlement or transaction report, when the node can import it. */
  readonly settlementFormat?: SettlementFormat;
}
