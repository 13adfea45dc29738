import { appointmentErrorStatus } from '../../services/appointments/errors.js';
import { catalogueErrorStatus } from '../../services/catalogue/errors.js';
import { CivilStatusErrorCode } from '../../services/civil-status/errors.js';
import { FILE_ERROR_STATUS } from '../../services/files/errors.js';
import { PAYMENT_ERROR_STATUS } from '../../services/payments/errors.js';
import { REGISTRATION_ERROR_STATUS } from '../../services/registrations/errors.js';
import { STAFF_ERROR_STATUS } from '../../services/staff/index.js';
import { registerDomainErrors } from '../errors.js';

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

const STAFF_HTTP_STATUS: Readonly<Record<StaffHttpErrorCodeValue, number>> = {
  enrolment_pending: 403,
  directive_not_found: 404,
  already_acknowledged: 409,
  no_fee_in_currency: 422,
};

/** A refusal of a staff route that no domain service owns. */
export class StaffHttpError extends Error {
  override readonly name = 'StaffHttpError';

  constructor(
    readonly code: StaffHttpErrorCodeValue,
    message: string,
  ) {
    super(message);
  }
}

// The civil-status service documents its statuses beside its codes only.
const CIVIL_STATUS_STATUS: Readonly<Record<string, number>> = {
  [CivilStatusErrorCode.InvalidInput]: 400,
  [CivilStatusErrorCode.InvalidRoles]: 400,
  [CivilStatusErrorCode.NotFound]: 404,
  [CivilStatusErrorCode.PersonNotFound]: 404,
  [CivilStatusErrorCode.TransitionNotAllowed]: 409,
};

/** Registers the HTTP status of every code the staff routes can meet (idempotent). */
export function registerStaffHttpErrors(): void {
  registerDomainErrors(appointmentErrorStatus);
  registerDomainErrors(catalogueErrorStatus);
  registerDomainErrors(FILE_ERROR_STATUS);
  registerDomainErrors(PAYMENT_ERROR_STATUS);
  registerDomainErrors(STAFF_ERROR_STATUS);
  registerDomainErrors(REGISTRATION_ERROR_STATUS);
  registerDomainErrors(CIVIL_STATUS_STATUS);
  registerDomainErrors(STAFF_HTTP_STATUS);
}
