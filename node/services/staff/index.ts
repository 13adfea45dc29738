/** Staff accounts and authentication of the mission node: what the HTTP layer and the CLI import. */

export type { TotpEnrolment } from '../../../common/auth/index.js';
export {
  createPasswordPool,
  DEFAULT_LOCKOUT,
  type LockoutPolicy,
  MIN_PASSWORD_LENGTH,
  type PasswordCheck,
  type PasswordHasher,
  type PasswordPoolOptions,
  totpCodeAt,
} from '../../../common/auth/index.js';
export type { TotpEnrolled } from './account.js';
export { type BootstrapOptions, type BootstrapResult, bootstrapAdmin } from './bootstrap.js';
export {
  type PasswordPolicyReason,
  STAFF_ERROR_STATUS,
  StaffError,
  StaffErrorCode,
  type StaffErrorCodeValue,
} from './errors.js';
export type { LoginResult } from './login.js';
export { assertPasswordPolicy } from './password-policy.js';
export {
  can,
  isStaffRole,
  PERMISSIONS,
  type Permission,
  type PermissionSubject,
  STAFF_ROLES,
  type StaffRole,
} from './permissions.js';
export {
  DEFAULT_SESSION_POLICY,
  type IssuedSession,
  type PendingStep,
  type SessionPolicy,
  type StaffPrincipal,
} from './sessions.js';
export type { StaffActor, StaffWithPassword } from './staff-admin.js';
export type { StaffDeps } from './staff-context.js';
export type { LoginInput, NewStaffInput, PasswordChangeInput, StaffUser } from './staff-schema.js';
export { createStaffService, type StaffService } from './staff-service.js';
