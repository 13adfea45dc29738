import type { PasswordHasher } from '../../../common/auth/index.js';
import { DEFAULT_LOCKOUT, type LockoutPolicy } from '../../../common/auth/index.js';
import { randomBytes, toBase64Url } from '../../../protocol/index.js';
import type { Store } from '../../db/store.js';
import { recoveryKey } from './recovery-codes.js';
import { DEFAULT_SESSION_POLICY, type SessionPolicy } from './sessions.js';

/** What the staff service needs. */
export interface StaffDeps {
  readonly store: Store;
  /** The argon2id worker pool (one per process, shared with other users of passwords). */
  readonly hasher: PasswordHasher;
  /** Injected in tests to step through lockouts, session expiry and TOTP windows. */
  readonly now?: () => Date;
  /** Shown by authenticator apps beside the username, e.g. "e-Consulat RCA Paris". */
  readonly issuer?: string;
  readonly lockout?: LockoutPolicy;
  readonly sessions?: SessionPolicy;
}

/** The wired dependencies every staff operation receives. */
export interface StaffContext {
  readonly store: Store;
  readonly hasher: PasswordHasher;
  readonly now: () => Date;
  readonly issuer: string;
  readonly lockout: LockoutPolicy;
  readonly sessions: SessionPolicy;
  /** Subkey of the recovery codes' keyed hashes. */
  readonly recoveryKey: Uint8Array;
  /** A hash of a random password, verified against when the username is unknown. */
  dummyHash(): Promise<string>;
}

/** Fills in the defaults. */
export function createStaffContext(deps: StaffDeps): StaffContext {
  let dummy: Promise<string> | undefined;
  return {
    store: deps.store,
    hasher: deps.hasher,
    now: deps.now ?? (() => new Date()),
    issuer: deps.issuer ?? 'e-Consulat RCA',
    lockout: deps.lockout ?? DEFAULT_LOCKOUT,
    sessions: deps.sessions ?? DEFAULT_SESSION_POLICY,
    recoveryKey: recoveryKey(deps.store.keys.index),
    // An unknown username still costs one argon2id verification, so the answer's timing does not
    // tell which usernames exist.
    dummyHash: () => {
      dummy ??= deps.hasher.hash(toBase64Url(randomBytes(24)));
      return dummy;
    },
  };
}

/** Usernames are compared trimmed and in lower case, as the schema stores them. */
export function normaliseUsername(typed: string): string {
  return typed.trim().toLowerCase();
}

/** A random password for a new or reset account: 20 symbols of 54 (115 bits), no look-alikes. */
export function generatePassword(): string {
  const alphabet = '23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ';
  // Rejection sampling: 256 is not a multiple of the alphabet's length.
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < 20) {
    for (const byte of randomBytes(32)) {
      if (byte < limit && out.length < 20) out += alphabet[byte % alphabet.length];
    }
  }
  return `${out.slice(0, 5)}-${out.slice(5, 10)}-${out.slice(10, 15)}-${out.slice(15)}`;
}
