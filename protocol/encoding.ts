/** Bytes ↔ text helpers shared by the wire format, key files and certificates. No I/O. */

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * UTF-8 encoding of a string, as a plain Uint8Array (a view: mind its byteOffset). Buffer.from
 * encodes a short string about eight times faster than TextEncoder on Node 20, and every stored
 * personal field encodes two.
 */
export function utf8(text: string): Uint8Array {
  const bytes = Buffer.from(text, 'utf8');
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Strict UTF-8 decoding: invalid sequences throw instead of turning into U+FFFD. */
export function fromUtf8(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}

/** base64url without padding (RFC 4648 §5), the text form of every key and signature. */
export function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/** Decodes base64url and checks the decoded length when one is expected. */
export function fromBase64Url(text: string, expectedLength?: number): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new TypeError('not base64url');
  const bytes = new Uint8Array(Buffer.from(text, 'base64url'));
  if (expectedLength !== undefined && bytes.length !== expectedLength) {
    throw new TypeError(`expected ${expectedLength} bytes, got ${bytes.length}`);
  }
  return bytes;
}

/** Lower-case hexadecimal. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Decodes lower- or upper-case hexadecimal. */
export function fromHex(text: string): Uint8Array {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) throw new TypeError('not hexadecimal');
  return new Uint8Array(Buffer.from(text, 'hex'));
}

/** Concatenates byte arrays into one new array. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Constant-time comparison of two byte arrays of public length. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

type CanonicalValue = string | number | boolean | null | CanonicalValue[] | { [key: string]: CanonicalValue };

/**
 * Canonical JSON: object keys sorted by code unit, no whitespace, integers only. Used for the bytes
 * that certificates and revocation lists sign, so that two implementations sign the same bytes.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonicalise(value));
}

function canonicalise(value: unknown): CanonicalValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new TypeError('canonical JSON holds safe integers only');
    return value;
  }
  if (Array.isArray(value)) return value.map(canonicalise);
  if (typeof value === 'object') {
    const out: { [key: string]: CanonicalValue } = {};
    for (const key of Object.keys(value).sort()) {
      const field = (value as Record<string, unknown>)[key];
      if (field !== undefined) out[key] = canonicalise(field);
    }
    return out;
  }
  throw new TypeError(`canonical JSON cannot hold a ${typeof value}`);
}

/**
 * Bytes from the operating system's CSPRNG (Web Crypto). libsodium.js's randombytes_buf costs
 * tens of microseconds a call in WebAssembly, more than sealing a small envelope.
 */
export function randomBytes(length: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(length));
}
