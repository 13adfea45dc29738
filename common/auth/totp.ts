import { Secret, TOTP } from 'otpauth';

// RFC 6238 with the parameters every authenticator app supports: HMAC-SHA-1, 6 digits, 30 s steps.
const ALGORITHM = 'SHA1';
const DIGITS = 6;
/** Length of a TOTP time step, in seconds (RFC 6238 §4.1, X = 30). */
export const TOTP_PERIOD_SECONDS = 30;
// One step either side absorbs the drift of a phone's clock and the time to type (RFC 6238 §5.2).
const WINDOW = 1;
// 160 bits, the HMAC-SHA-1 key length recommended by RFC 4226 §4 (R6).
const SECRET_BYTES = 20;
const CODE = /^\d{6}$/;

/** A TOTP enrolment in progress: the secret, to type into the app, and the URI, to show as a QR code. */
export interface TotpEnrolment {
  /** Base32, as apps and otpauth:// URIs carry it. */
  readonly secret: string;
  /** otpauth:// URI, labelled "issuer:username" in the app. */
  readonly uri: string;
}

/** A fresh TOTP secret, base32 as apps and otpauth:// URIs carry it. */
export function generateTotpSecret(): string {
  return new Secret({ size: SECRET_BYTES }).base32;
}

/** A fresh secret and its URI for `username`, shown by the app under `issuer`. */
export function newTotpEnrolment(issuer: string, username: string): TotpEnrolment {
  const secret = generateTotpSecret();
  return { secret, uri: totpUri(secret, issuer, username) };
}

/** The otpauth:// URI to show as a QR code: the app then labels the account "issuer:username". */
export function totpUri(secretBase32: string, issuer: string, username: string): string {
  return totp(secretBase32, issuer, username).toString();
}

/** Whether a string has the shape of a TOTP code (6 digits; spaces allowed as apps display them). */
export function looksLikeTotpCode(text: string): boolean {
  return CODE.test(text.replace(/\s/g, ''));
}

/**
 * The time step a code matches at `now`, within ±1 step, or undefined. Spaces in the code are
 * ignored. A step at or before `lastStep` is refused: each code is accepted once, even while it is
 * still inside the window (RFC 6238 §5.2: the verifier must not accept the second attempt of the
 * same OTP).
 */
export function matchTotpStep(
  secretBase32: string,
  code: string,
  now: Date,
  lastStep: number | null,
): number | undefined {
  const token = code.replace(/\s/g, '');
  if (!CODE.test(token)) return undefined;
  const timestamp = now.getTime();
  const delta = totp(secretBase32).validate({ token, timestamp, window: WINDOW });
  if (delta === null) return undefined;
  const step = TOTP.counter({ period: TOTP_PERIOD_SECONDS, timestamp }) + delta;
  if (lastStep !== null && step <= lastStep) return undefined;
  return step;
}

/** The code of a secret at a given time: what an authenticator app would show (tests, demo). */
export function totpCodeAt(secretBase32: string, at: Date): string {
  return totp(secretBase32).generate({ timestamp: at.getTime() });
}

// The issuer and label only appear in the URI; codes depend on the secret and the time alone.
function totp(secretBase32: string, issuer = '', label = 'account'): TOTP {
  return new TOTP({
    issuer,
    label,
    algorithm: ALGORITHM,
    digits: DIGITS,
    period: TOTP_PERIOD_SECONDS,
    secret: Secret.fromBase32(secretBase32),
  });
}
