import { CodedError } from '../../../../common/errors/coded-error.js';
/** Codes of the public API's own refusals. */
export const PublicErrorCode = {
  /** A payment provider's webhook whose signature, timestamp or body did not verify. */
  WebhookRejected: 'webhook_rejected',
} as const;
export type PublicErrorCodeValue = (typeof PublicErrorCode)[keyof typeof PublicErrorCode];

/** HTTP status of the public API's own codes, for the node's error catalogue (http/error-catalogue.ts). */
export const PUBLIC_ERROR_STATUS: Readonly<Record<PublicErrorCodeValue, number>> = {
  webhook_rejected: 400,
};

/** A refusal of the public API itself, outside any domain service. */
export class PublicApiError extends CodedError<PublicErrorCodeValue> {
  override readonly name = 'PublicApiError';
}
