import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
let pool = new Uint8Array(0);
let offset = 0;

/**
 * Fresh random bytes for nonces, drawn from the OS CSPRNG a page at a time: a booking encrypts a
 * dozen fields, and one system call per nonce cost more than the encryption. Each byte is handed
 * out once; the pool is refilled when spent.
 */
export function nonceBytes(length: number): Uint8Array {
  if (length > POOL_BYTES) return randomFillSync(new Uint8Array(length));
  if (offset + length > pool.length) {
    pool = randomFillSync(new Uint8Array(POOL_BYTES));
    offset = 0;
  }
  const bytes = pool.slice(offset, offset + length);
  // Spent bytes are overwritten so that no copy of a nonce's source lingers in the pool.
  pool.fill(0, offset, offset + length);
  offset += length;
  return bytes;
}
