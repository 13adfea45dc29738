export { countFailure, DEFAULT_LOCKOUT, type FailureCount, type LockoutPolicy, lockEnd } from './lockout.js';
export {
  foldPassword,
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
  PASSWORD_POLICY_MESSAGES,
  type PasswordPolicyReason,
  passwordPolicyViolation,
} from './password-policy.js';
export {
  createPasswordPool,
  type PasswordCheck,
  type PasswordHasher,
  type PasswordPoolOptions,
} from './password-pool.js';
export {
  generateRecoveryCodes,
  hashRecoveryCode,
  looksLikeRecoveryCode,
  normaliseRecoveryCode,
  RECOVERY_CODE_COUNT,
  type RecoveryCodeScheme,
  recoveryCodeKey,
} from './recovery-codes.js';
export {
  DEFAULT_SESSION_POLICY,
  newSessionToken,
  type SessionPolicy,
  type SessionVerdict,
  sessionExpiry,
  sessionTokenHash,
  sessionVerdict,
} from './sessions.js';
export {
  generateTotpSecret,
  looksLikeTotpCode,
  matchTotpStep,
  newTotpEnrolment,
  TOTP_PERIOD_SECONDS,
  type TotpEnrolment,
  totpCodeAt,
  totpUri,
} from './totp.js';
