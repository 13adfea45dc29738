import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Header carrying `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const SIGNATURE_HEADER = 'x-econsulat-signature';
/** How far a webhook's timestamp may be from the node's clock before it is refused as stale. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** The result of {@link verifySignature}. */
export type SignatureCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: 'bad_signature' | 'stale_timestamp' };

/**
 * HMAC-SHA256 (RFC 2104) with the shared secret over `<timestamp>.<raw body>`. The timestamp is
 * signed with the body, so a captured webhook cannot be replayed later with a fresh one.
 */
export function signWebhook(
  secret: string | Uint8Array,
  rawBody: string | Uint8Array,
  timestamp: number,
): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/**
 * Verifies a signature header over the raw body: the MAC first (compared in constant time), then
 * the timestamp, which must be within the tolerance of now in either direction.
 */
export function verifySignature(
  secret: string | Uint8Array,
  rawBody: string | Uint8Array,
  header: string | undefined,
  now: Date,
  toleranceSeconds: number = DEFAULT_TOLERANCE_SECONDS,
): SignatureCheck {
  const parsed = parseHeader(header);
  if (!parsed) return { ok: false, reason: 'bad_signature' };
  const expected = Buffer.from(signWebhook(secret, rawBody, parsed.timestamp).split('v1=')[1] ?? '', 'hex');
  const given = Buffer.from(parsed.mac, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'bad_signature' };
  if (Math.abs(now.getTime() / 1000 - parsed.timestamp) > toleranceSeconds)
    return { ok: false, reason: 'stale_timestamp' };
  return { ok: true };
}

/** Hex SHA-256 of a body: what the rejection log keeps instead of the body. */
export function bodyDigest(rawBody: string | Uint8Array): string {
  return createHash('sha256').update(rawBody).digest('hex');
}

/** The first value of a header, whatever its case in the request. */
export function headerValue(
  headers: Readonly<Record<string, string | readonly string[] | undefined>>,
  name: string,
): string | undefined {
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  return typeof value === 'string' ? value : value?.[0];
}

function parseHeader(header: string | undefined): { timestamp: number; mac: string } | undefined {
  const match = /^t=(\d{1,12}),v1=([0-9a-f]{64})$/.exec(header?.trim() ?? '');
  if (!match) return undefined;
  return { timestamp: Number(match[1]), mac: match[2] ?? '' };
}
