import { createHmac, timingSafeEqual } from 'node:crypto';
import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';
import { z } from 'zod';
import { PaymentError, PaymentErrorCode } from '../errors.js';
import type {
  CheckoutRequest,
  CheckoutSession,
  CheckoutStatus,
  PaymentProvider,
  PendingCheckout,
  WebhookVerification,
} from '../provider.js';
import { fromMomoAmount, toMomoAmount } from './momo-amounts.js';
import { ProviderCallError } from './provider-call-error.js';

/** Where MTN sends its notices on the node: `<publicUrl><path>/<checkout id>/<secret>` (PUT or POST). */
export const MOMO_NOTICE_PATH = '/api/v1/payments/notices/momo';
/** The portal's page where the applicant waits while approving on their phone. */
export const MOMO_WAITING_PATH = '/paiement/attente';

/** Options of the MTN MoMo Collection adapter. */
export interface MomoProviderOptions {
  /** The API user (a UUID) and its API key, from the provisioning API or MTN's partner portal. */
  readonly apiUser: string;
  readonly apiKey: string;
  /** The Collection product's subscription key (`Ocp-Apim-Subscription-Key`). */
  readonly subscriptionKey: string;
  /** `https://proxy.momoapi.mtn.com` in production, `https://sandbox.momodeveloper.mtn.com` in the sandbox. */
  readonly apiUrl: string;
  /** `sandbox`, or `mtn<country>` in production (`mtncameroon`, `mtncongo`). */
  readonly targetEnvironment: string;
  /** The node's address as MTN and the applicant reach it: notices and the waiting page are under it. */
  readonly publicUrl: string;
  /** Where the payer's numbers are read when typed without their country code (the mission's region). */
  readonly defaultRegion: CountryCode;
  readonly pendingLifetimeMs: number;
  readonly name?: string;
  readonly timeoutMs?: number;
}

const statusSchema = z.object({
  amount: z.union([z.string(), z.number()]),
  currency: z.string().regex(/^[A-Z]{3}$/),
  status: z.string().min(1).max(40),
  reason: z.union([z.string(), z.object({ code: z.string().optional() }).loose()]).optional(),
  financialTransactionId: z.union([z.string(), z.number()]).optional(),
});

/**
 * Mobile money through MTN MoMo's Collection API (momodeveloper.mtn.com): a request to pay sent to
 * the payer's phone, identified by our checkout id as `X-Reference-Id`; the payer approves on the
 * phone. MTN's notice is unsigned and sent once without retry, so it is never trusted: it must carry
 * the checkout's secret in its URL, and the node then asks the status, as the polling job does for
 * the notices that never come.
 */
export class MomoProvider implements PaymentProvider {
  readonly name: string;
  readonly pendingLifetimeMs: number;
  readonly referencesCheckoutId = true;
  readonly settlementFormat = 'momo_transactions';
  readonly #options: MomoProviderOptions;
  #token: { value: string; until: number } | undefined;

  constructor(options: MomoProviderOptions) {
    for (const key of ['apiUser', 'apiKey', 'subscriptionKey'] as const)
      if (options[key].trim() === '') throw new TypeError(`the MoMo ${key} is empty`);
    this.name = options.name ?? 'momo';
    this.pendingLifetimeMs = options.pendingLifetimeMs;
    this.#options = options;
  }

  /** POST /collection/v1_0/requesttopay → 202; the same reference again (a retry) is 409, the same request. */
  async createCheckout(request: CheckoutRequest): Promise<CheckoutSession> {
    const partyId = this.#msisdnOf(request.payerPhone);
    const referenceId = request.checkoutId;
    const body = {
      amount: toMomoAmount(request.amountMinor, request.currency),
      currency: request.currency,
      externalId: request.invoiceId,
      payer: { partyIdType: 'MSISDN', partyId },
      payerMessage: request.description.slice(0, 160),
      payeeNote: request.description.slice(0, 160),
    };
    const response = await this.#call('send the request to pay', 'POST', '/collection/v1_0/requesttopay', {
      body,
      headers: {
        'X-Reference-Id': referenceId,
        'X-Callback-Url': `${this.#options.publicUrl}${MOMO_NOTICE_PATH}/${referenceId}/${this.#secretOf(referenceId)}`,
      },
      accept: [202, 409],
    });
    if (response.status === 409 && (await codeOf(response)) !== 'RESOURCE_ALREADY_EXIST')
      throw new ProviderCallError(this.name, 'could not send the request to pay (409)', 409);
    return { providerRef: referenceId, redirectUrl: this.#waitingUrl(referenceId) };
  }

  /** The waiting page again while the request to pay is young enough to be approved. */
  async resumeCheckout(checkout: PendingCheckout, now: Date): Promise<CheckoutSession | undefined> {
    if (now.getTime() - checkout.createdAt.getTime() >= this.pendingLifetimeMs) return undefined;
    return { providerRef: checkout.providerRef, redirectUrl: this.#waitingUrl(checkout.providerRef) };
  }

  /** GET /collection/v1_0/requesttopay/{referenceId}: PENDING, SUCCESSFUL or FAILED (with a reason). */
  async checkoutStatus(providerRef: string): Promise<CheckoutStatus> {
    const response = await this.#call(
      'read the request to pay',
      'GET',
      `/collection/v1_0/requesttopay/${providerRef}`,
      { accept: [200, 404] },
    );
    // MTN never received it (the node recorded the checkout, then the request was lost): it failed.
    if (response.status === 404) {
      if ((await codeOf(response)) !== 'RESOURCE_NOT_FOUND')
        throw await callError(this.name, 'read the request to pay', response);
      return { state: 'settled', event: notReceived(providerRef) };
    }
    const parsed = statusSchema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) throw new ProviderCallError(this.name, 'answered a status the node cannot read');
    const { status, currency } = parsed.data;
    // Only the two final states settle; PENDING (and any state MTN may add) waits for the next look.
    if (status !== 'SUCCESSFUL' && status !== 'FAILED') return { state: 'pending' };
    const amountMinor = fromMomoAmount(parsed.data.amount, currency);
    if (amountMinor === undefined && status === 'SUCCESSFUL')
      throw new ProviderCallError(this.name, 'answered an amount the node cannot read');
    return {
      state: 'settled',
      event: {
        // One event per final state of a request: the notice and the polls that find it apply it once.
        eventId: `${providerRef}:${status}`,
        type: status === 'SUCCESSFUL' ? 'payment.succeeded' : 'payment.failed',
        providerRef,
        amountMinor: amountMinor ?? 0,
        currency,
        occurredAt: new Date().toISOString(),
      },
    };
  }

  authenticateNotice(providerRef: string, secret: string): boolean {
    const expected = Buffer.from(this.#secretOf(providerRef));
    const given = Buffer.from(secret);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /** MTN signs nothing: its notices come to {@link MOMO_NOTICE_PATH}, never to the signed webhook route. */
  verifyWebhook(): WebhookVerification {
    return { ok: false, reason: 'bad_signature' };
  }

  // The notice's secret for one checkout: an HMAC under the API key, so nothing is stored and a
  // rolled key only makes the pending notices wait for the polling job.
  #secretOf(referenceId: string): string {
    return createHmac('sha256', this.#options.apiKey)
      .update(`econsulat momo notice ${referenceId}`)
      .digest('base64url');
  }

  #waitingUrl(referenceId: string): string {
    return `${this.#options.publicUrl}${MOMO_WAITING_PATH}/${referenceId}`;
  }

  // MSISDN: the international number's digits, without "+" (MTN's sandbox numbers: 46733123450…).
  #msisdnOf(phone: string | undefined): string {
    const parsed =
      phone === undefined ? undefined : parsePhoneNumberFromString(phone, this.#options.defaultRegion);
    if (!parsed?.isValid())
      throw new PaymentError(
        PaymentErrorCode.InvalidPhone,
        'a mobile money payment needs the payer’s valid number',
      );
    return parsed.number.slice(1);
  }

  /** POST /collection/token/ with Basic auth (API user and key): a bearer token, kept until its expiry. */
  async #accessToken(): Promise<string> {
    if (this.#token && this.#token.until > Date.now()) return this.#token.value;
    const { apiUser, apiKey } = this.#options;
    const response = await this.#fetch('get an access token', 'POST', '/collection/token/', {
      Authorization: `Basic ${Buffer.from(`${apiUser}:${apiKey}`).toString('base64')}`,
    });
    if (response.status !== 200) throw await callError(this.name, 'get an access token', response);
    const token = (await response.json().catch(() => ({}))) as {
      access_token?: unknown;
      expires_in?: unknown;
    };
    if (typeof token.access_token !== 'string')
      throw new ProviderCallError(this.name, 'gave no access token');
    const seconds = typeof token.expires_in === 'number' ? token.expires_in : 3600;
    this.#token = { value: token.access_token, until: Date.now() + Math.max(0, seconds - 60) * 1000 };
    return token.access_token;
  }

  async #call(
    what: string,
    method: 'GET' | 'POST',
    path: string,
    options: { body?: unknown; headers?: Record<string, string>; accept: number[] },
  ): Promise<Response> {
    // A token refused (revoked or expired early) is asked again once.
    for (const attempt of [1, 2]) {
      const headers = {
        Authorization: `Bearer ${await this.#accessToken()}`,
        'X-Target-Environment': this.#options.targetEnvironment,
        ...(options.body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...options.headers,
      };
      const response = await this.#fetch(what, method, path, headers, options.body);
      if (response.status === 401 && attempt === 1) {
        this.#token = undefined;
        continue;
      }
      if (!options.accept.includes(response.status)) throw await callError(this.name, what, response);
      return response;
    }
    throw new ProviderCallError(this.name, `could not ${what} (401)`, 401);
  }

  async #fetch(
    what: string,
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: unknown,
  ): Promise<Response> {
    try {
      return await fetch(`${this.#options.apiUrl}${path}`, {
        method,
        headers: { 'Ocp-Apim-Subscription-Key': this.#options.subscriptionKey, ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.#options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      const reason = error instanceof Error && error.name === 'TimeoutError' ? 'timed out' : 'unreachable';
      throw new ProviderCallError(this.name, `could not ${what} (${reason})`);
    }
  }
}

function notReceived(providerRef: string) {
  return {
    eventId: `${providerRef}:NOT_FOUND`,
    type: 'payment.failed' as const,
    providerRef,
    amountMinor: 0,
    currency: '',
    occurredAt: new Date().toISOString(),
  };
}

// MTN's errors are `{ "code": "RESOURCE_ALREADY_EXIST", "message": "…" }`: the code only, never the message.
async function codeOf(response: Response): Promise<string | undefined> {
  const body = (await response.json().catch(() => undefined)) as { code?: unknown } | undefined;
  return typeof body?.code === 'string' ? body.code.slice(0, 60) : undefined;
}

async function callError(provider: string, what: string, response: Response): Promise<ProviderCallError> {
  const detail = [response.status, await codeOf(response)].filter(Boolean).join(' ');
  return new ProviderCallError(provider, `could not ${what} (${detail})`, response.status);
}
