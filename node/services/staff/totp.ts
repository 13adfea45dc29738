import { Secret, TOTP } from 'otpauth';

// RFC 6238 with the parameters every authenticator app supports: HMAC-SHA-1, 6 digits, 30 s steps.
const ALGORITHM = 'SHA1';
const DIGITS = 6;
/** Length of a TOTP time step, in seconds (RFC 6238 §4.1, X = 30). */
export const TOTP_PERIOD_SECONDS = 30;
// One step either side absorbs the drift of a phone's clock and the time to type (RFC 6238 §5.2).
const WINDOW = 1;
// 160 bits, the HMAC-SHA-1 block-size recommendation of RFC 4226 §4 (R6).
const SECRET_BYTES = 20;

/** A fresh TOTP secret, base32 as apps and otpauth:// URIs carry it. */
export function generateTotpSecret(): string {
  return new Secret({ size: SECRET_BYTES }).base32;
}

/** The otpauth:// URI to show as a QR code: the app then labels the account "issuer:username". */
export function totpUri(secretBase32: string, issuer: string, username: string): string {
  return totp(secretBase32, issuer, username).toString();
}

/**
 * The time step a code matches at `now`, within ±1 step, or undefined. A step at or before
 * `lastStep` is refused: each code is accepted once, even while it is still inside the window.
 */
export function matchTotpStep(
  secretBase32: string,
  code: string,
  now: Date,
  lastStep: number | null,
): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const timestamp = now.getTime();
  const delta = totp(secretBase32).validate({ token: code, timestamp, window: WINDOW });
  if (delta === null) return undefined;
  const step = TOTP.counter({ period: TOTP_PERIOD_SECONDS, timestamp }) + delta;
  // RFC 6238 §5.2: the verifier must not accept the second attempt of the same OTP.
  if (lastStep !== null && step <= lastStep) return undefined;
  return step;
}

/** Whether a string has the shape of a TOTP code (6 digits, spaces allowed as apps display them). */
export function looksLikeTotpCode(text: string): boolean {
  return /^\d{6}$/.test(text.replace(/\s/g, ''));
}

/** The code of a secret at a given time: what an authenticator app would show (tests, demo). */
export function totpCodeAt(secretBase32: string, at: Date): string {
  return totp(secretBase32).generate({ timestamp: at.getTime() });
}

function totp(secretBase32: string, issuer = '', label = 'staff'): TOTP {
  return new TOTP({
    issuer,
    label,
    algorithm: ALGORITHM,
    digits: DIGITS,
    period: TOTP_PERIOD_SECONDS,
    secret: Secret.fromBase32(secretBase32),
  });
}
