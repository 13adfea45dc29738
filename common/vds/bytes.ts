import { VdsInputError, VdsMalformedError } from './errors.js';

/** Upper-case hex of some bytes. */
export function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex.toUpperCase();
}

/** Bytes of a hex string (either case, no separators); refuses anything else. */
export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new VdsInputError('not a hex string');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Joins byte arrays. */
export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** A BER-TLV length in its shortest form (ISO/IEC 8825-1 §8.1.3; Doc 9303-13 message zone). */
export function encodeBerLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  if (length <= 0xff) return Uint8Array.of(0x81, length);
  if (length <= 0xffff) return Uint8Array.of(0x82, length >> 8, length & 0xff);
  throw new VdsInputError(`a feature of ${length} bytes does not fit a seal`);
}

/**
 * A date as Doc 9303-13 writes it in three bytes: the digits MMDDYYYY read as one integer,
 * big-endian (1957-03-25 → 03251957 → 0x319EF5).
 */
export function encodeDate(isoDate: string): Uint8Array {
  const [year, month, day] = isoDate.split('-');
  const value = Number(`${month}${day}${year}`);
  return Uint8Array.of((value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff);
}

/** The ISO date (YYYY-MM-DD) of three Doc 9303-13 date bytes; refuses a day that does not exist. */
export function decodeDate(bytes: Uint8Array): string {
  const value = (bytes[0]! << 16) | (bytes[1]! << 8) | bytes[2]!;
  const digits = value.toString().padStart(8, '0');
  const iso = `${digits.slice(4)}-${digits.slice(0, 2)}-${digits.slice(2, 4)}`;
  if (digits.length !== 8 || !isRealDate(iso))
    throw new VdsMalformedError('bad_date', `no such date: ${digits}`);
  return iso;
}

/** Whether an ISO YYYY-MM-DD string names a day of the Gregorian calendar. */
export function isRealDate(iso: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) return false;
  const date = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === iso;
}

/** Reads a seal front to back; every read past the end is a `truncated` refusal. */
export class ByteReader {
  private at = 0;

  constructor(private readonly bytes: Uint8Array) {}

  get offset(): number {
    return this.at;
  }

  get remaining(): number {
    return this.bytes.length - this.at;
  }

  byte(what: string): number {
    return this.take(1, what)[0]!;
  }

  peek(): number | undefined {
    return this.bytes[this.at];
  }

  take(count: number, what: string): Uint8Array {
    if (count > this.remaining) {
      throw new VdsMalformedError('truncated', `${what} needs ${count} bytes at offset ${this.at}`);
    }
    const out = this.bytes.subarray(this.at, this.at + count);
    this.at += count;
    return out;
  }

  /** A BER-TLV length, refusing the indefinite form, more than two length bytes, or a longer form than needed. */
  berLength(what: string): number {
    const first = this.byte(what);
    if (first < 0x80) return first;
    const size = first & 0x7f;
    if (size < 1 || size > 2)
      throw new VdsMalformedError('bad_length', `${what}: length form 0x${first.toString(16)}`);
    const lengthBytes = this.take(size, what);
    const length = size === 1 ? lengthBytes[0]! : (lengthBytes[0]! << 8) | lengthBytes[1]!;
    if ((size === 1 && length < 0x80) || (size === 2 && length <= 0xff)) {
      throw new VdsMalformedError('bad_length', `${what}: length ${length} not in its shortest form`);
    }
    return length;
  }
}
