import { CodedError } from '../../../common/errors/coded-error.js';

/** Why the ministry's seal trust refused a change, and the HTTP status each code maps to. */
export const VISA_TRUST_ERROR_STATUS = {
  /** No CSCA certificate is recorded at the hub, or not the one that signed what was given. */
  csca_not_recorded: 409,
  /** The CSCA's key and certificate do not belong together, or it is not a CSCA. */
  csca_invalid: 400,
  /** A signer certificate is asked for a mission the hub never enrolled. */
  mission_not_found: 404,
  /** Another mission already holds this signer identifier. */
  signer_identifier_taken: 409,
  /** No signer certificate with this serial number. */
  signer_not_found: 404,
} as const;

export type VisaTrustErrorCode = keyof typeof VISA_TRUST_ERROR_STATUS;

/** A refusal of the seal trust's use cases, with a stable code. */
export class VisaTrustError extends CodedError<VisaTrustErrorCode> {
  override readonly name = 'VisaTrustError';
}
