import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { xchachaOpen, xchachaSeal } from '../node/crypto/xchacha-native.js';
import { ready, sodium } from '../protocol/index.js';

beforeAll(ready);

const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });
const exactly = (length: number) => fc.uint8Array({ minLength: length, maxLength: length });

describe('XChaCha20-Poly1305 through Node’s native ChaCha20-Poly1305', () => {
  it('seals to libsodium’s very bytes, and opens what libsodium sealed', () => {
    fc.assert(
      fc.property(bytes(0, 4096), bytes(0, 64), exactly(24), exactly(32), (plain, ad, nonce, key) => {
        const theirs = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plain, ad, null, nonce, key);
        const ours = xchachaSeal(plain, ad, nonce, key);
        expect(Buffer.from(ours).equals(Buffer.from(theirs))).toBe(true);
        expect(Buffer.from(xchachaOpen(theirs, ad, nonce, key)).equals(Buffer.from(plain))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('gives the same bytes as libsodium on a megabyte', () => {
    const plain = sodium.randombytes_buf(1024 * 1024);
    const [ad, nonce, key] = [
      sodium.randombytes_buf(26),
      sodium.randombytes_buf(24),
      sodium.randombytes_buf(32),
    ];
    const theirs = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plain, ad, null, nonce, key);
    expect(Buffer.from(xchachaSeal(plain, ad, nonce, key)).equals(Buffer.from(theirs))).toBe(true);
    // A prefix comes first, unsealed, in the same buffer; the sealed bytes after it are the same.
    const head = [Uint8Array.of(1, 2, 3), Uint8Array.of(4)];
    const framed = Buffer.from(xchachaSeal(plain, ad, nonce, key, head));
    expect(framed.subarray(0, 4).equals(Buffer.from([1, 2, 3, 4]))).toBe(true);
    expect(framed.subarray(4).equals(Buffer.from(theirs))).toBe(true);
  });

  it('refuses a flipped bit anywhere, another associated data, nonce or key', () => {
    const plain = sodium.randombytes_buf(300);
    const [ad, nonce, key] = [
      sodium.randombytes_buf(10),
      sodium.randombytes_buf(24),
      sodium.randombytes_buf(32),
    ];
    const sealed = xchachaSeal(plain, ad, nonce, key);
    for (let i = 0; i < sealed.length; i++) {
      const altered = Uint8Array.from(sealed);
      altered[i] = (altered[i] ?? 0) ^ 0x01;
      expect(() => xchachaOpen(altered, ad, nonce, key), `byte ${i}`).toThrow();
    }
    const other = (value: Uint8Array) => Uint8Array.from(value, (b, i) => (i === 0 ? b ^ 0x80 : b));
    expect(() => xchachaOpen(sealed, other(ad), nonce, key)).toThrow();
    expect(() => xchachaOpen(sealed, ad, other(nonce), key)).toThrow();
    expect(() => xchachaOpen(sealed, ad, nonce, other(key))).toThrow();
    expect(() => xchachaOpen(sealed.subarray(0, 15), ad, nonce, key)).toThrow(RangeError);
  });

  it('refuses a key or a nonce of the wrong length', () => {
    const plain = new Uint8Array(4);
    expect(() => xchachaSeal(plain, plain, new Uint8Array(12), new Uint8Array(32))).toThrow(RangeError);
    expect(() => xchachaSeal(plain, plain, new Uint8Array(24), new Uint8Array(16))).toThrow(RangeError);
  });
});
