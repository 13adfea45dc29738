import { PASSWORD_POLICY_MESSAGES, passwordPolicyViolation } from '../../../common/auth/index.js';
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
