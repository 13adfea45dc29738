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
