import { PASSWORD_POLICY_MESSAGES, passwordPolicyViolation } from '../../../common/auth/index.js';
import { randomBytes, toBase64Url } from '../../../protocol/index.js';
import { UserError, UserErrorCode } from './user-errors.js';

/**
 * Throws {@link UserError} `weak_password` (the rule in `details.reason`) when the password breaks
 * a rule of common/auth's policy.
 */
export function assertPasswordPolicy(password: string, username: string): void {
  const reason = passwordPolicyViolation(password, username);
  if (reason !== undefined) {
    throw new UserError(UserErrorCode.WeakPassword, PASSWORD_POLICY_MESSAGES[reason], { reason });
  }
}

/** A password made for the user, shown once: 144 random bits as 24 base64url characters, far past the policy. */
export function generatePassword(): string {
  return toBase64Url(randomBytes(18));
}
