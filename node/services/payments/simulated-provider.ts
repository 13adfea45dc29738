import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type {
  CheckoutRequest,
  CheckoutSession,
  PaymentProvider,
  PendingCheckout,
  ProviderEvent,
  WebhookRequest,
  WebhookVerification,
} from './provider.js';
import { headerValue, SIGNATURE_HEADER, signWebhook, verifySignature } from './webhook-signature.js';

const eventSchema = z.strictObject({
  id: z.string().min(1).max(100),
  type: z.enum(['payment.succeeded', 'payment.failed']),
  checkout: z.string().min(1).max(100),
  amount: z.int().min(0),
  currency: z.string().regex(/^[A-Z]{3}$/),
  created: z.iso.datetime(),
});

/** Options of the simulated provider. */
export interface SimulatedProviderOptions {
  /** The shared webhook secret. */
  readonly secret: string;
  readonly name?: string;
  /** Where its checkout pages are said to be. */
  readonly baseUrl?: string;
}

/**
 * A provider that lives in the process, for tests and the demo: it opens checkouts, and on demand
 * produces the signed webhook a real provider would send once the applicant has paid.
 */
export class SimulatedProvider implements PaymentProvider {
  readonly name: string;
  readonly #secret: string;
  readonly #baseUrl: string;
  readonly #checkouts = new Map<string, CheckoutRequest>();

  constructor(options: SimulatedProviderOptions) {
    this.name = options.name ?? 'simulated';
    this.#secret = options.secret;
    this.#baseUrl = options.baseUrl ?? 'https://pay.example.invalid';
  }

  async createCheckout(request: CheckoutRequest): Promise<CheckoutSession> {
    const providerRef = `sim_${randomUUID()}`;
    this.#checkouts.set(providerRef, request);
    return { providerRef, redirectUrl: `${this.#baseUrl}/checkout/${providerRef}` };
  }

  /** Its page again, for a checkout it opened since the node started. */
  async resumeCheckout(checkout: PendingCheckout): Promise<CheckoutSession | undefined> {
    if (!this.#checkouts.has(checkout.providerRef)) return undefined;
    return {
      providerRef: checkout.providerRef,
      redirectUrl: `${this.#baseUrl}/checkout/${checkout.providerRef}`,
    };
  }

  verifyWebhook(request: WebhookRequest, now: Date): WebhookVerification {
    const header = headerValue(request.headers, SIGNATURE_HEADER);
    const check = verifySignature(this.#secret, request.rawBody, header, now);
    if (!check.ok) return check;
    const text =
      typeof request.rawBody === 'string' ? request.rawBody : Buffer.from(request.rawBody).toString('utf8');
    const parsed = eventSchema.safeParse(safeJson(text));
    if (!parsed.success) return { ok: false, reason: 'malformed' };
    const { id, type, checkout, amount, currency, created } = parsed.data;
    const event: ProviderEvent = {
      eventId: id,
      type,
      providerRef: checkout,
      amountMinor: amount,
      currency,
      occurredAt: created,
    };
    return { ok: true, event };
  }

  /** The webhook the provider sends when a checkout is paid (or fails), signed at `at`. */
  completeCheckout(
    providerRef: string,
    options: { at?: Date; eventId?: string; type?: ProviderEvent['type']; amountMinor?: number } = {},
  ): WebhookRequest {
    const checkout = this.#checkouts.get(providerRef);
    if (!checkout) throw new TypeError(`no simulated checkout ${providerRef}`);
    const at = options.at ?? new Date();
    const body = JSON.stringify({
      id: options.eventId ?? `evt_${randomUUID()}`,
      type: options.type ?? 'payment.succeeded',
      checkout: providerRef,
      amount: options.amountMinor ?? checkout.amountMinor,
      currency: checkout.currency,
      created: at.toISOString(),
    });
    return this.signedRequest(body, at);
  }

  /** Signs any body as this provider would, at `at`. */
  signedRequest(rawBody: string, at: Date): WebhookRequest {
    const signature = signWebhook(this.#secret, rawBody, Math.floor(at.getTime() / 1000));
    return { rawBody, headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature } };
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
