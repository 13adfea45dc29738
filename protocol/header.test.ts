import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes } from './encoding.js';
import { decodeHeader, encodeHeader, type Header, MAGIC, WIRE_VERSION } from './header.js';

const sample: Header = {
  version: WIRE_VERSION,
  messageId: '0123456789abcdef0123456789abcdef',
  type: 'events.batch',
  from: 'fr-paris',
  to: 'hub',
  seq: 4711,
  timestamp: Date.parse('2026-11-20T09:30:00.000Z'),
  keyId: 'fedcba9876543210fedcba9876543210',
};

/** Offset of the type's length byte: magic 2, version 1, id 16, seq 8, timestamp 8, key id 16. */
const TYPE_AT = 51;

function expectRefused(bytes: Uint8Array, reason: 'malformed' | 'unknown_version') {
  const decoded = decodeHeader(bytes);
  expect(decoded.ok).toBe(false);
  if (!decoded.ok) expect(decoded.reason).toBe(reason);
}

describe('header encoding', () => {
  it('decodes what it encodes and says where the header ends', () => {
    const bytes = encodeHeader(sample);
    const decoded = decodeHeader(concatBytes(bytes, Uint8Array.of(1, 2, 3)));
    expect(decoded).toEqual({ ok: true, header: sample, end: bytes.length });
  });

  it('starts with the magic and the version', () => {
    const bytes = encodeHeader(sample);
    expect(Array.from(bytes.subarray(0, 3))).toEqual([...MAGIC, WIRE_VERSION]);
    expect(bytes.length).toBe(TYPE_AT + 3 + 'events.batch'.length + 'fr-paris'.length + 'hub'.length);
  });

  it('round trips any valid header', () => {
    const ascii = fc.string({
      unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
      minLength: 1,
      maxLength: 255,
    });
    const hex = (bytes: number) =>
      fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => Buffer.from(b).toString('hex'));
    fc.assert(
      fc.property(
        fc.record({
          version: fc.constant(WIRE_VERSION),
          messageId: hex(16),
          type: ascii,
          from: ascii,
          to: ascii,
          seq: fc.maxSafeNat(),
          timestamp: fc.maxSafeNat(),
          keyId: hex(16),
        }),
        (header) => {
          const bytes = encodeHeader(header);
          expect(decodeHeader(bytes)).toEqual({ ok: true, header, end: bytes.length });
        },
      ),
      { numRuns: 200 },
    );
  });

  it.each([
    ['an empty type', { type: '' }],
    ['a space in the sender', { from: 'fr paris' }],
    ['a recipient over 255 characters', { to: 'x'.repeat(256) }],
    ['a non-ASCII type', { type: 'événement' }],
    ['a negative sequence', { seq: -1 }],
    ['a fractional sequence', { seq: 1.5 }],
    ['an unsafe sequence', { seq: 2 ** 53 }],
    ['a negative timestamp', { timestamp: -1 }],
    ['a message id that is not hex', { messageId: 'z'.repeat(32) }],
    ['a short key id', { keyId: 'ab'.repeat(8) }],
  ])('refuses to encode %s', (_, change) => {
    expect(() => encodeHeader({ ...sample, ...change })).toThrow(TypeError);
  });
});

describe('header decoding', () => {
  it('refuses an empty input and one shorter than the magic', () => {
    expectRefused(new Uint8Array(0), 'malformed');
    expectRefused(Uint8Array.of(0x45, 0x43), 'malformed');
  });

  it('refuses a bad magic', () => {
    const bytes = encodeHeader(sample);
    bytes[0] = 0x46;
    expectRefused(bytes, 'malformed');
  });

  it('refuses a version it does not speak, before reading further', () => {
    expectRefused(concatBytes(MAGIC, Uint8Array.of(0)), 'unknown_version');
    expectRefused(concatBytes(MAGIC, Uint8Array.of(2)), 'unknown_version');
  });

  it('refuses a header cut anywhere before its end', () => {
    const bytes = encodeHeader(sample);
    for (let length = 3; length < bytes.length; length++)
      expectRefused(bytes.subarray(0, length), 'malformed');
  });

  it('refuses a zero-length text field', () => {
    const bytes = encodeHeader(sample);
    bytes[TYPE_AT] = 0;
    expectRefused(bytes, 'malformed');
  });

  it.each([
    ['a space', 0x20],
    ['DEL', 0x7f],
    ['a byte above ASCII', 0x80],
    ['0xff', 0xff],
    ['NUL', 0x00],
  ])('refuses a text field holding %s', (_, byte) => {
    const bytes = encodeHeader(sample);
    bytes[TYPE_AT + 3] = byte;
    expectRefused(bytes, 'malformed');
  });

  it('refuses a sequence or timestamp beyond 2^53 - 1', () => {
    const seq = encodeHeader(sample);
    seq[19] = 0x01;
    expectRefused(seq, 'malformed');
    const timestamp = encodeHeader(sample);
    timestamp.fill(0xff, 27, 35);
    expectRefused(timestamp, 'malformed');
  });
});
