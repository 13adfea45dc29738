import { UserError, UserErrorCode } from './user-errors.js';

/** Shortest password accepted. Length beats composition rules (NIST SP 800-63B §5.1.1.2). */
export const MIN_PASSWORD_LENGTH = 12;
/** Longest accepted: argon2id hashes any length, but a megabyte "password" is an attack on the worker. */
export const MAX_PASSWORD_LENGTH = 256;

/** Why a password was refused. */
export type PasswordPolicyReason = 'too_short' | 'too_long' | 'equals_username' | 'too_common';

// Passwords of 12+ characters that top the breach corpora, plus local ones a ministry would try.
// Compared after lower-casing and removing spaces, so "Password 1234" is caught too.
const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  '123456789012',
  '1234567890123',
  '123456789123',
  '1q2w3e4r5t6y',
  '1qaz2wsx3edc',
  'qwerty123456',
  'qwertyuiop123',
  'azerty123456',
  'azertyuiop12',
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
  'administrateur',
  'admin1234567',
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
  'ministere123',
  'ministere1234',
  'econsulat123',
  'econsulat1234',
]);

const messages: Record<PasswordPolicyReason, string> = {
  too_short: `a password has at least ${MIN_PASSWORD_LENGTH} characters`,
  too_long: `a password has at most ${MAX_PASSWORD_LENGTH} characters`,
  equals_username: 'the password must not be the username',
  too_common: 'this password is too common: choose a longer passphrase',
};

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

/** Throws {@link UserError} `weak_password` (the rule in `details.reason`) when the password breaks a rule. */
export function assertPasswordPolicy(password: string, username: string): void {
  const reason = passwordPolicyViolation(password, username);
  if (reason !== undefined) throw new UserError(UserErrorCode.WeakPassword, messages[reason], { reason });
}

function fold(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
}
