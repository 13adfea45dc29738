// The ministry users of the hub: accounts, TOTP, sessions, permissions.

export {
  createPasswordPool,
  DEFAULT_LOCKOUT,
  type LockoutPolicy,
  MIN_PASSWORD_LENGTH,
  passwordPolicyViolation,
  RECOVERY_CODE_COUNT,
  totpCodeAt,
} from '../../../common/auth/index.js';
export { type BootstrapInput, type BootstrapResult, bootstrapUser } from './bootstrap.js';
export { type LoginCredentials, type LoginOptions, type LoginResult, login } from './login.js';
export { clearAttempts, lockedUntil } from './login-attempts.js';
export { type PasswordHasher, sharedPasswordHasher } from './password-hasher.js';
export { assertPasswordPolicy } from './password-policy.js';
export {
  can,
  isMinistryRole,
  MINISTRY_ROLES,
  type MinistryRole,
  PERMISSIONS,
  type Permission,
} from './permissions.js';
export { remainingRecoveryCodes } from './recovery-codes.js';
export { SECRETS_KEY_BYTES } from './secret-box.js';
export {
  authenticate,
  DEFAULT_SESSION_POLICY,
  type IssuedSession,
  logout,
  revokeUserSessions,
  type SessionPolicy,
} from './sessions.js';
export {
  beginTotpEnrolment,
  confirmTotpEnrolment,
  HUB_TOTP_ISSUER,
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
export { USER_AUDIT_ENTITY, type UserAdminActor } from './user-changes.js';
export { UserError, UserErrorCode, type UserErrorCodeValue } from './user-errors.js';
export type { UserListing } from './user-listing.js';
export {
  type CreatedUser,
  type CreateUserInput,
  createUserManagementService,
  createUserSchema,
  type UserManagementService,
} from './user-management.js';
export { type MinistryUser, normaliseUsername } from './user-rows.js';
