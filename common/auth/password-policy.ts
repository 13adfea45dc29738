import { COMMON_PASSWORDS } from './common-passwords.js';

/** Shortest password accepted. Length beats composition rules (NIST SP 800-63B §5.1.1.2). */
export const MIN_PASSWORD_LENGTH = 12;
/** Longest accepted: argon2id hashes any length, but a megabyte "password" is an attack on the worker. */
export const MAX_PASSWORD_LENGTH = 256;

/** Which rule refused a password. */
export type PasswordPolicyReason = 'too_short' | 'too_long' | 'equals_username' | 'too_common';

/** What to tell the person who typed the password, per rule. */
export const PASSWORD_POLICY_MESSAGES: Readonly<Record<PasswordPolicyReason, string>> = {
  too_short: `a password has at least ${MIN_PASSWORD_LENGTH} characters`,
  too_long: `a password has at most ${MAX_PASSWORD_LENGTH} characters`,
  equals_username: 'the password must not be the username',
  too_common: 'this password is too common: choose a longer passphrase',
};

/**
 * The first rule the password breaks, or undefined when it passes: too short or too long, equal to
 * the username in any case or spacing, or one of the common passwords. Not a string is a caller's
 * bug (a `TypeError`), not a weak password.
 */
export function passwordPolicyViolation(
  password: string,
  username: string,
): PasswordPolicyReason | undefined {
  if (typeof password !== 'string' || typeof username !== 'string') {
    throw new TypeError('password and username must be strings');
  }
  // Counted in code points: a passphrase in Sango or with accents is not penalised by UTF-16 length.
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return 'too_short';
  if (length > MAX_PASSWORD_LENGTH) return 'too_long';
  const folded = foldPassword(password);
  if (folded === foldPassword(username)) return 'equals_username';
  if (COMMON_PASSWORDS.has(folded)) return 'too_common';
  return undefined;
}

/** The form passwords are compared in: NFKC, lower case, no white space. */
export function foldPassword(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
}
