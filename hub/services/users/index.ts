// The ministry users of the hub: accounts, TOTP, sessions, permissions.
export { type BootstrapInput, type BootstrapResult, bootstrapUser } from './bootstrap.js';
export { type LoginCredentials, type LoginOptions, type LoginResult, login } from './login.js';
export { clearAttempts, DEFAULT_LOCKOUT, type LockoutPolicy, lockedUntil } from './login-attempts.js';
export { createPasswordHasher, type PasswordHasher, sharedPasswordHasher } from './password-hasher.js';
export { assertPasswordPolicy, MIN_PASSWORD_LENGTH, passwordPolicyViolation } from './password-policy.js';
export {
  can,
  isMinistryRole,
  MINISTRY_ROLES,
  type MinistryRole,
  PERMISSIONS,
  type Permission,
} from './permissions.js';
export { RECOVERY_CODE_COUNT, remainingRecoveryCodes } from './recovery-codes.js';
export { SECRETS_KEY_BYTES } from './secret-box.js';
export {
  authenticate,
  DEFAULT_SESSION_POLICY,
  type IssuedSession,
  logout,
  revokeUserSessions,
  type SessionPolicy,
} from './sessions.js';
export { totpCodeAt, totpUri } from './totp.js';
export {
  beginTotpEnrolment,
  confirmTotpEnrolment,
  renewRecoveryCodes,
  type TotpEnrolment,
} from './totp-enrolment.js';
export {
  type AdminOptions,
  createUser,
  findUser,
  type NewUser,
  setPassword,
  setUserActive,
} from './user-admin.js';
export { UserError, UserErrorCode, type UserErrorCodeValue } from './user-errors.js';
export { type MinistryUser, normaliseUsername } from './user-rows.js';
