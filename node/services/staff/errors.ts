import type { PasswordPolicyReason as CommonPolicyReason } from '../../../common/auth/index.js';
import { CodedError } from '../../../common/errors/coded-error.js';

/**
 * Refusals of the staff service, with stable codes that the HTTP layer maps to a status (given
 * beside each code). A log line greps to one definition.
 */
export const StaffErrorCode = {
  /** 400. An input failed its schema (unknown field, bad type, bad role name); `cause` is the ZodError. */
  InvalidInput: 'invalid_input',
  /** 401. Login refused. Never says which factor (username, password, code) was wrong. */
  InvalidCredentials: 'invalid_credentials',
  /** 429. Too many consecutive failures for this username: no factor is even checked until `lockedUntil`. */
  AccountLocked: 'account_locked',
  /** 422. The new password breaks the policy; `reason` says which rule. */
  WeakPassword: 'weak_password',
  /** 409. Another account has this username. */
  UsernameTaken: 'username_taken',
  /** 404. No staff account with this id. */
  NotFound: 'not_found',
  /** 403. The acting user lacks the permission, or has not finished enrolment. */
  Forbidden: 'forbidden',
  /** 409. The change would leave the mission without an active, enrolled administrator. */
  LastAdmin: 'last_admin',
  /** 403. An administrator may not change their own roles nor deactivate themselves. */
  SelfChange: 'self_change',
  /** 409. TOTP is already enrolled (an admin must reset it first). */
  TotpAlreadyEnrolled: 'totp_already_enrolled',
  /** 409. No TOTP enrolment is in progress for this account. */
  TotpNotPending: 'totp_not_pending',
  /** 422. The code given to confirm an enrolment (or a password change) is not valid. */
  InvalidCode: 'invalid_code',
  /** 409. `bootstrapAdmin` on a node that already has an administrator. */
  AdminExists: 'admin_exists',
} as const;

/** One of the codes of {@link StaffErrorCode}. */
export type StaffErrorCodeValue = (typeof StaffErrorCode)[keyof typeof StaffErrorCode];

/** The HTTP status each code maps to, for the back office's error handler. */
export const STAFF_ERROR_STATUS: Readonly<Record<StaffErrorCodeValue, number>> = {
  invalid_input: 400,
  invalid_credentials: 401,
  account_locked: 429,
  weak_password: 422,
  username_taken: 409,
  not_found: 404,
  forbidden: 403,
  last_admin: 409,
  self_change: 403,
  totp_already_enrolled: 409,
  totp_not_pending: 409,
  invalid_code: 422,
  admin_exists: 409,
};

/** Which password rule refused a password. */
export type PasswordPolicyReason = CommonPolicyReason | 'unchanged';

/** A refusal of the staff service. */
export class StaffError extends CodedError<StaffErrorCodeValue> {
  override readonly name = 'StaffError';

  constructor(
    code: StaffErrorCodeValue,
    message: string,
    readonly details: { readonly lockedUntil?: string; readonly reason?: PasswordPolicyReason } = {},
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/** The one refusal of a login, whatever failed. */
export function invalidCredentials(): StaffError {
  return new StaffError(StaffErrorCode.InvalidCredentials, 'invalid username, password or code');
}
