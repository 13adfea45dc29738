import type { RevocationEntry } from './certificates.js';
import type { PublicIdentity } from './keys.js';

/** A sender's public keys with the period they may sign in, and their revocation if any. */
export interface TrustedKey {
  readonly identity: PublicIdentity;
  /** Milliseconds since the epoch; messages timestamped before are refused. */
  readonly validFrom: number;
  /** Milliseconds since the epoch; messages timestamped after are refused. */
  readonly validUntil: number;
}

/** What open() asks about senders. Both node and hub implement it over their own stores. */
export interface TrustResolver {
  /** The key a party signs with, by key id, or undefined when not enrolled. */
  lookup(partyId: string, keyId: string): TrustedKey | undefined;
  /** The revocation of a key id, if any. */
  revocation(keyId: string): RevocationEntry | undefined;
}

/**
 * An in-memory trust store: the node holds the pinned hub keys in one; the hub holds every
 * enrolled mission's certificate keys. Revocations replace wholesale with each newer list.
 */
export class TrustStore implements TrustResolver {
  private readonly keys = new Map<string, TrustedKey>();
  private revoked = new Map<string, RevocationEntry>();
  private revocationSerial = -1;

  /** Adds or replaces a trusted key. */
  trust(key: TrustedKey): void {
    this.keys.set(storeKey(key.identity.partyId, key.identity.keyId), key);
  }

  /** Forgets a key (used when a certificate is replaced). */
  forget(partyId: string, keyId: string): void {
    this.keys.delete(storeKey(partyId, keyId));
  }

  /** Applies a verified revocation list if it is newer than the one held; returns whether it was. */
  applyRevocations(serial: number, entries: readonly RevocationEntry[]): boolean {
    if (serial <= this.revocationSerial) return false;
    this.revocationSerial = serial;
    this.revoked = new Map(entries.map((entry) => [entry.keyId, entry]));
    return true;
  }

  /** Serial of the revocation list in force, -1 before any. */
  get revocationListSerial(): number {
    return this.revocationSerial;
  }

  lookup(partyId: string, keyId: string): TrustedKey | undefined {
    return this.keys.get(storeKey(partyId, keyId));
  }

  revocation(keyId: string): RevocationEntry | undefined {
    return this.revoked.get(keyId);
  }

  /** Every trusted key. */
  allKeys(): TrustedKey[] {
    return [...this.keys.values()];
  }

  /** The revocations in force. */
  revocationEntries(): RevocationEntry[] {
    return [...this.revoked.values()];
  }

  /**
   * The keys a party holds that are not revoked, newest validity first: the first is the one to
   * seal to. A superseded or revoked key is still looked up to open what it sealed before, but
   * nothing more is ever sealed to it.
   */
  keysOf(partyId: string): TrustedKey[] {
    return [...this.keys.values()]
      .filter((key) => key.identity.partyId === partyId && !this.revoked.has(key.identity.keyId))
      .sort((a, b) => b.validFrom - a.validFrom);
  }
}

function storeKey(partyId: string, keyId: string): string {
  return `${partyId}\u0000${keyId}`;
}
