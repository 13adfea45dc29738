import { PASSWORD_POLICY_MESSAGES, passwordPolicyViolation } from '../../../common/auth/index.js';
import { StaffError, StaffErrorCode } from './errors.js';

/**
 * Throws {@link StaffError} `weak_password` (with the rule in `details.reason`) when the password
 * breaks a rule of common/auth's policy.
 */
export function assertPasswordPolicy(password: string, username: string): void {
  const reason = passwordPolicyViolation(password, username);
  if (reason !== undefined) {
    throw new StaffError(StaffErrorCode.WeakPassword, PASSWORD_POLICY_MESSAGES[reason], { reason });
  }
}
