import Stripe from 'stripe';
import type {
  CheckoutRequest,
  CheckoutSession,
  PaymentProvider,
  PendingCheckout,
  ProviderRefund,
  RefundRequest,
  WebhookRequest,
  WebhookVerification,
} from '../provider.js';
import { DEFAULT_TOLERANCE_SECONDS, headerValue } from '../webhook-signature.js';
import { ProviderCallError } from './provider-call-error.js';
import { toStripeAmount } from './stripe-amounts.js';
import { toProviderEvent } from './stripe-events.js';

/** Header of Stripe's webhook signature: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const STRIPE_SIGNATURE_HEADER = 'stripe-signature';
/** Where our refund id is written on Stripe's refund: found again after idempotency keys expire (24 h). */
const REFUND_ID_METADATA = 'econsulat_refund_id';

/** Options of the Stripe Checkout adapter. */
export interface StripeProviderOptions {
  /** `sk_live_…` or `sk_test_…` (or a restricted `rk_…`): from the environment or a credential file. */
  readonly secretKey: string;
  /** The endpoint's signing secret, `whsec_…`. */
  readonly webhookSecret: string;
  readonly name?: string;
  /** Where the applicant lands after Stripe's page when the checkout names no return URL. */
  readonly returnUrl?: string;
  /** Stripe's API elsewhere than api.stripe.com (a local test server). */
  readonly api?: { readonly host: string; readonly port: number; readonly protocol: 'http' | 'https' };
  readonly toleranceSeconds?: number;
  /** Retries of a failed call by the library, each with the same idempotency key (default 2). */
  readonly maxNetworkRetries?: number;
  readonly timeoutMs?: number;
}

/**
 * Card payments through Stripe Checkout (docs.stripe.com/payments/checkout): a Checkout Session
 * made server-side, the applicant sent to Stripe's page, the result by a signed webhook. The keys
 * stay in private fields, out of any log or serialisation of this object.
 */
export class StripeProvider implements PaymentProvider {
  readonly name: string;
  readonly settlementFormat = 'stripe_balance';
  readonly pageOrigins: readonly string[];
  readonly #stripe: Stripe;
  readonly #webhookSecret: string;
  readonly #toleranceSeconds: number;
  readonly #returnUrl: string | undefined;

  constructor(options: StripeProviderOptions) {
    if (!/^(sk|rk)_(test|live)_\w+$/.test(options.secretKey))
      throw new TypeError('a Stripe secret key starts with sk_test_, sk_live_, rk_test_ or rk_live_');
    if (options.webhookSecret.trim() === '')
      throw new TypeError('the Stripe webhook signing secret is empty');
    this.name = options.name ?? 'stripe';
    this.#webhookSecret = options.webhookSecret;
    this.#toleranceSeconds = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
    this.#returnUrl = options.returnUrl;
    // Stripe's Checkout pages; a local test server or proxy serves its own beside its API.
    this.pageOrigins = options.api
      ? [`${options.api.protocol}://${options.api.host}:${options.api.port}`]
      : ['https://checkout.stripe.com'];
    this.#stripe = new Stripe(options.secretKey, {
      ...(options.api
        ? { host: options.api.host, port: options.api.port, protocol: options.api.protocol }
        : {}),
      maxNetworkRetries: options.maxNetworkRetries ?? 2,
      timeout: options.timeoutMs ?? 30_000,
      telemetry: false,
      appInfo: { name: 'e-Consulat RCA' },
    });
  }

  async createCheckout(request: CheckoutRequest): Promise<CheckoutSession> {
    const returnUrl = request.returnUrl ?? this.#returnUrl;
    if (returnUrl === undefined) throw new TypeError('a Stripe checkout needs a return URL');
    const metadata = { invoice_id: request.invoiceId, checkout_id: request.checkoutId };
    const session = await callStripe(this.name, 'create a Checkout Session', () =>
      this.#stripe.checkout.sessions.create(
        {
          mode: 'payment',
          client_reference_id: request.checkoutId,
          line_items: [
            {
              quantity: 1,
              price_data: {
                currency: request.currency.toLowerCase(),
                unit_amount: toStripeAmount(request.amountMinor, request.currency),
                product_data: { name: request.description },
              },
            },
          ],
          metadata,
          payment_intent_data: { metadata },
          // One page for both: it shows the invoice as it stands, paid or still open.
          success_url: returnUrl,
          cancel_url: returnUrl,
        },
        // The same checkout asked twice (a retry by the library or by us) is the same session.
        { idempotencyKey: `econsulat-checkout-${request.checkoutId}` },
      ),
    );
    if (session.url === null) throw new ProviderCallError(this.name, 'Stripe gave no page for the session');
    return { providerRef: session.id, redirectUrl: session.url };
  }

  /** The session's page again while it is open: Stripe takes no payment on an expired or complete one. */
  async resumeCheckout(checkout: PendingCheckout, now: Date): Promise<CheckoutSession | undefined> {
    const session = await callStripe(this.name, 'read the Checkout Session', () =>
      this.#stripe.checkout.sessions.retrieve(checkout.providerRef),
    );
    const open = session.status === 'open' && session.expires_at * 1000 > now.getTime();
    return open && session.url ? { providerRef: session.id, redirectUrl: session.url } : undefined;
  }

  /** `stripe.webhooks.constructEvent`: the signature over `t.payload`, then the age against the tolerance. */
  verifyWebhook(request: WebhookRequest, now: Date): WebhookVerification {
    const header = headerValue(request.headers, STRIPE_SIGNATURE_HEADER) ?? '';
    let payload: unknown;
    try {
      payload = Stripe.webhooks.constructEvent(
        request.rawBody,
        header,
        this.#webhookSecret,
        this.#toleranceSeconds,
        undefined,
        now.getTime(),
      );
    } catch (error) {
      if (!(error instanceof Stripe.errors.StripeSignatureVerificationError))
        return { ok: false, reason: 'malformed' };
      return {
        ok: false,
        reason: this.#isSignedButStale(request.rawBody, header) ? 'stale_timestamp' : 'bad_signature',
      };
    }
    return toProviderEvent(payload);
  }

  /**
   * Refunds the payment of a checkout. Our refund id is the idempotency key and is written on the
   * refund, so a retry within Stripe's 24 hours gets the same refund back, and one after finds it.
   */
  async refund(request: RefundRequest): Promise<ProviderRefund> {
    const paymentIntent = await this.#paymentIntentOf(request);
    const made = await callStripe(this.name, 'list refunds', () =>
      this.#stripe.refunds.list({ payment_intent: paymentIntent, limit: 100 }),
    );
    const existing = made.data.find((refund) => refund.metadata?.[REFUND_ID_METADATA] === request.refundId);
    const refund =
      existing ??
      (await callStripe(this.name, 'create a refund', () =>
        this.#stripe.refunds.create(
          {
            payment_intent: paymentIntent,
            amount: toStripeAmount(request.amountMinor, request.currency),
            metadata: { [REFUND_ID_METADATA]: request.refundId },
          },
          { idempotencyKey: `econsulat-refund-${request.refundId}` },
        ),
      ));
    return { providerRefundRef: refund.id, status: refundStatus(refund.status) };
  }

  async #paymentIntentOf(request: RefundRequest): Promise<string> {
    const session = await callStripe(this.name, 'read the Checkout Session', () =>
      this.#stripe.checkout.sessions.retrieve(request.providerRef),
    );
    if (session.currency !== request.currency.toLowerCase())
      throw new ProviderCallError(
        this.name,
        `the session was paid in ${session.currency}, not ${request.currency}`,
      );
    const intent = session.payment_intent;
    const id = typeof intent === 'string' ? intent : intent?.id;
    if (id === undefined) throw new ProviderCallError(this.name, 'the session has no payment to refund');
    return id;
  }

  // Authentic but outside the tolerance: the same check without the age (Stripe: tolerance 0).
  #isSignedButStale(rawBody: string | Uint8Array, header: string): boolean {
    try {
      return Stripe.webhooks.signature?.verifyHeader(rawBody, header, this.#webhookSecret, 0) === true;
    } catch {
      return false;
    }
  }
}

function refundStatus(status: string | null): ProviderRefund['status'] {
  const known = ['pending', 'succeeded', 'failed', 'canceled', 'requires_action'] as const;
  return known.find((candidate) => candidate === status) ?? 'pending';
}

// Runs one call to Stripe, turning its errors into ProviderCallError.
async function callStripe<T>(provider: string, what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof Stripe.errors.StripeError)) throw error;
    const detail = [error.statusCode, error.type, error.code, error.requestId].filter(Boolean).join(' ');
    throw new ProviderCallError(provider, `could not ${what} (${detail})`, error.statusCode);
  }
}
