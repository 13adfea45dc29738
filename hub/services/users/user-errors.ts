import { CodedError } from '../../../common/errors/coded-error.js';
/**
 * Refusals of the users service, with the API codes of hub/http/errors.ts where one exists. A
 * failed login is always `invalid_credentials`, whichever factor failed.
 */
export const UserErrorCode = {
  InvalidCredentials: 'invalid_credentials',
  Locked: 'locked',
  WeakPassword: 'weak_password',
  InvalidInput: 'invalid_request',
  UserExists: 'user_exists',
  NotFound: 'not_found',
  /** The enrolment code did not match, or there is no enrolment to confirm. */
  InvalidCode: 'invalid_code',
  /** The acting user lacks `users.manage`. */
  Forbidden: 'forbidden',
  /** The change would touch the actor's own account (roles, deactivation, second factor). */
  SelfChange: 'self_change',
  /** The password was right but TOTP is not enrolled: an enrolment step, not a session. */
  TotpEnrolmentRequired: 'totp_enrolment_required',
  /** The enrolment step's token is unknown, used or over: log in again. */
  InvalidEnrolmentToken: 'invalid_enrolment_token',
} as const;

/** One of the codes of {@link UserErrorCode}. */
export type UserErrorCodeValue = (typeof UserErrorCode)[keyof typeof UserErrorCode];

/** HTTP status of each code, for the hub's error catalogue (http/errors.ts). */
export const USER_ERROR_STATUS: Readonly<Record<UserErrorCodeValue, number>> = {
  invalid_credentials: 401,
  locked: 423,
  weak_password: 400,
  invalid_request: 400,
  user_exists: 409,
  not_found: 404,
  invalid_code: 400,
  forbidden: 403,
  self_change: 403,
  totp_enrolment_required: 403,
  invalid_enrolment_token: 401,
};

/** A refusal of the users service; `details` is safe to show (never a secret). */
export class UserError extends CodedError<UserErrorCodeValue> {
  override readonly name = 'UserError';

  constructor(
    code: UserErrorCodeValue,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/** The one answer to every failed login: it never says which factor failed, or whether the user exists. */
export function invalidCredentials(): UserError {
  return new UserError(UserErrorCode.InvalidCredentials, 'invalid username, password or code');
}

/** The answer while a username is locked; nothing was checked. */
export function lockedOut(lockedUntil: Date): UserError {
  return new UserError(UserErrorCode.Locked, 'too many failed logins: try again later', {
    lockedUntil: lockedUntil.toISOString(),
  });
}
