import { concatBytes, fromHex } from './encoding.js';
import { sodium } from './sodium.js';

/** The head hash of an empty audit chain, and the previous hash of its first entry. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

/**
 * The hash of an audit entry of version 2: BLAKE2b-256(prevHash ‖ entryDigest), both as 32 raw
 * bytes, in lower-case hex. The entry's digest covers every field but the previous hash, so whoever
 * holds a head and the digests of the entries after it can recompute the chain — the hub does, from
 * an audit.checkpoint, without seeing a single field of an entry. No domain tag is needed against
 * version 1, whose input is the entry's canonical JSON: always longer than these 64 bytes.
 */
export function auditChainStep(prevHash: string, entryDigest: string): string {
  return sodium.crypto_generichash(32, concatBytes(fromHex(prevHash), fromHex(entryDigest)), null, 'hex');
}

/**
 * Every head the chain passes through from `from` as entries of these digests are appended, in
 * order: element i is the hash at length `from`'s length + i + 1.
 */
export function auditChainHashes(from: string, entryDigests: readonly string[]): string[] {
  const hashes: string[] = [];
  let head = from;
  for (const digest of entryDigests) {
    head = auditChainStep(head, digest);
    hashes.push(head);
  }
  return hashes;
}
