import Stripe from 'stripe';

/**
 * A provider's API refused or failed a call. The message names the provider, the call and the
 * provider's error type and code, never the provider's own message (Stripe's may quote part of the
 * key) nor the request: the error handler may log it whole.
 */
export class ProviderCallError extends Error {
  override readonly name = 'ProviderCallError';

  constructor(
    readonly provider: string,
    message: string,
    readonly status?: number,
  ) {
    super(`${provider}: ${message}`);
  }
}

/** Runs one call to Stripe, turning its errors into {@link ProviderCallError}. */
export async function withProviderErrors<T>(
  provider: string,
  what: string,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof Stripe.errors.StripeError)) throw error;
    const detail = [error.statusCode, error.type, error.code, error.requestId].filter(Boolean).join(' ');
    throw new ProviderCallError(provider, `could not ${what} (${detail})`, error.statusCode);
  }
}
