import { appointmentErrorStatus } from '../../../services/appointments/errors.js';
import { catalogueErrorStatus } from '../../../services/catalogue/errors.js';
import { FILE_ERROR_STATUS } from '../../../services/files/errors.js';
import { PAYMENT_ERROR_STATUS } from '../../../services/payments/errors.js';
import { REGISTRATION_ERROR_STATUS } from '../../../services/registrations/errors.js';
import { registerDomainErrors } from '../../errors.js';

/** Codes of the public API's own refusals. */
export const PublicErrorCode = {
  /** A payment provider's webhook whose signature, timestamp or body did not verify. */
  WebhookRejected: 'webhook_rejected',
} as const;
export type PublicErrorCodeValue = (typeof PublicErrorCode)[keyof typeof PublicErrorCode];

/** HTTP status of the public API's own codes. */
export const PUBLIC_ERROR_STATUS: Readonly<Record<PublicErrorCodeValue, number>> = {
  webhook_rejected: 400,
};

/** A refusal of the public API itself, outside any domain service. */
export class PublicApiError extends Error {
  override readonly name = 'PublicApiError';

  constructor(
    readonly code: PublicErrorCodeValue,
    message: string,
  ) {
    super(message);
  }
}

/** Tells the error handler the status of every refusal the public routes may meet. */
export function registerPublicErrors(): void {
  registerDomainErrors({
    ...catalogueErrorStatus,
    ...appointmentErrorStatus,
    ...FILE_ERROR_STATUS,
    ...PAYMENT_ERROR_STATUS,
    ...REGISTRATION_ERROR_STATUS,
    ...PUBLIC_ERROR_STATUS,
  });
}
