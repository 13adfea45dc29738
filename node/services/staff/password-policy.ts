import { type PasswordPolicyReason, StaffError, StaffErrorCode } from './errors.js';

/** Shortest password accepted. Length beats composition rules (NIST SP 800-63B §5.1.1.2). */
export const MIN_PASSWORD_LENGTH = 12;
/** Longest accepted: argon2id hashes any length, but a megabyte "password" is an attack on the worker. */
export const MAX_PASSWORD_LENGTH = 256;

// Passwords of 12+ characters that top the breach corpora, plus local ones an embassy would try.
// Compared after lower-casing and removing spaces, so "Password 1234" is caught too.
const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  '123456789012',
  '1234567890123',
  '12345678910',
  '123456789123',
  '1q2w3e4r5t6y',
  '1qaz2wsx3edc',
  'qwertyuiopasdf',
  'qwerty123456',
  'qwertyuiop123',
  'azertyuiop12',
  'azerty123456',
  'azertyuiopqs',
  'password1234',
  'password12345',
  'passw0rd1234',
  'motdepasse12',
  'motdepasse123',
  'motdepasse1234',
  'iloveyou1234',
  'welcome12345',
  'bienvenue123',
  'bienvenue1234',
  'administrator',
  'admin1234567',
  'administrateur',
  'changeme1234',
  'letmein12345',
  'aaaaaaaaaaaa',
  '000000000000',
  '111111111111',
  'abcdefghijkl',
  'abc123456789',
  'centrafrique',
  'centrafrique1',
  'centrafrique123',
  'bangui123456',
  'ambassade123',
  'ambassade1234',
  'consulat1234',
  'econsulat123',
  'econsulat1234',
]);

/**
 * Throws {@link StaffError} `weak_password` (with the rule in `details.reason`) when the password is
 * too short or too long, equal to the username in any case, or one of the common passwords.
 */
export function assertPasswordPolicy(password: string, username: string): void {
  const reason = passwordPolicyViolation(password, username);
  if (reason !== undefined) {
    throw new StaffError(StaffErrorCode.WeakPassword, messages[reason], { reason });
  }
}

/** The first rule the password breaks, or undefined when it passes. */
export function passwordPolicyViolation(
  password: string,
  username: string,
): PasswordPolicyReason | undefined {
  // Counted in code points: a passphrase in Sango or with accents is not penalised by UTF-16 length.
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return 'too_short';
  if (length > MAX_PASSWORD_LENGTH) return 'too_long';
  const folded = fold(password);
  if (folded === fold(username)) return 'equals_username';
  if (COMMON_PASSWORDS.has(folded)) return 'too_common';
  return undefined;
}

function fold(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
}

const messages: Record<PasswordPolicyReason, string> = {
  too_short: `a password has at least ${MIN_PASSWORD_LENGTH} characters`,
  too_long: `a password has at most ${MAX_PASSWORD_LENGTH} characters`,
  equals_username: 'the password must not be the username',
  too_common: 'this password is too common: choose a longer passphrase',
  unchanged: 'the new password must differ from the current one',
};
