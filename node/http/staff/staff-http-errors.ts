import { CodedError } from '../../../common/errors/coded-error.js';
/** Refusals of the staff HTTP layer itself, beside the API's generic codes. */
export const StaffHttpErrorCode = {
  /** 403. The account must change its password or enrol TOTP before anything else. */
  EnrolmentPending: 'enrolment_pending',
  /** 404. No directive with this id. */
  DirectiveNotFound: 'directive_not_found',
  /** 409. The directive was acknowledged already. */
  AlreadyAcknowledged: 'already_acknowledged',
  /** 422. The service has no fee in the requested currency. */
  NoFeeInCurrency: 'no_fee_in_currency',
} as const;

/** One of {@link StaffHttpErrorCode}. */
export type StaffHttpErrorCodeValue = (typeof StaffHttpErrorCode)[keyof typeof StaffHttpErrorCode];

/** HTTP status of each code, for the node's error catalogue (http/error-catalogue.ts). */
export const STAFF_HTTP_STATUS: Readonly<Record<StaffHttpErrorCodeValue, number>> = {
  enrolment_pending: 403,
  directive_not_found: 404,
  already_acknowledged: 409,
  no_fee_in_currency: 422,
};

/** A refusal of a staff route that no domain service owns. */
export class StaffHttpError extends CodedError<StaffHttpErrorCodeValue> {
  override readonly name = 'StaffHttpError';
}
