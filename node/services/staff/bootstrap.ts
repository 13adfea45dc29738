import type { PasswordHasher } from '../../../common/auth/index.js';
import { generateRecoveryCodes, generateTotpSecret, totpUri } from '../../../common/auth/index.js';
import { ready, sodium } from '../../../protocol/index.js';
import type { Store } from '../../db/store.js';
import { immediateTransaction } from '../../db/transaction.js';
import { StaffError, StaffErrorCode } from './errors.js';
import { recoveryKey, storeRecoveryCodes } from './recovery-codes.js';
import { generatePassword } from './staff-context.js';
import { decodeStaff } from './staff-rows.js';
import { parseInput, type StaffUser, usernameSchema } from './staff-schema.js';
import { hasAnyAdmin, insertStaffRow } from './staff-writes.js';

/** Options of {@link bootstrapAdmin}. */
export interface BootstrapOptions {
  readonly displayName?: string;
  /** Shown by the authenticator app; as the staff service's `issuer`. */
  readonly issuer?: string;
  /** Hashes in a worker when given; otherwise on this thread (the CLI has nothing else to do). */
  readonly hasher?: PasswordHasher;
  readonly now?: () => Date;
}

/** The first administrator and the secrets to hand over: returned once, stored only hashed or encrypted. */
export interface BootstrapResult {
  readonly user: StaffUser;
  readonly password: string;
  /** Base32, to type into an authenticator app. */
  readonly totpSecret: string;
  /** otpauth:// URI, to show as a QR code. */
  readonly totpUri: string;
  readonly recoveryCodes: readonly string[];
}

/**
 * Creates the mission's first administrator for `econsulat node init`: a generated password and
 * an enrolled TOTP secret, so the account is usable at once from the printed secrets. Refused
 * (`admin_exists`) once any admin account exists: recovering a node goes through that admin.
 */
export async function bootstrapAdmin(
  store: Store,
  username: string,
  options: BootstrapOptions = {},
): Promise<BootstrapResult> {
  const name = parseInput(usernameSchema, username);
  if (hasAnyAdmin(store)) throw adminExists();
  const password = generatePassword();
  const passwordHash = options.hasher ? await options.hasher.hash(password) : await hashHere(password);
  const totpSecret = generateTotpSecret();
  const recoveryCodes = generateRecoveryCodes();
  const now = (options.now ?? (() => new Date()))();
  const row = immediateTransaction(store.db, () => {
    // Checked again under the write lock: two `init` runs must not both create an admin.
    if (hasAnyAdmin(store)) throw adminExists();
    const inserted = insertStaffRow(
      store,
      {
        username: name,
        displayName: options.displayName ?? name,
        roles: ['admin'],
        passwordHash,
        mustChangePassword: false,
        totpSecret,
      },
      'system:init',
      now,
    );
    storeRecoveryCodes(store.db, recoveryKey(store.keys.index), inserted.id, recoveryCodes);
    return inserted;
  });
  const uri = totpUri(totpSecret, options.issuer ?? 'e-Consulat RCA', name);
  return { user: decodeStaff(store, row), password, totpSecret, totpUri: uri, recoveryCodes };
}

async function hashHere(password: string): Promise<string> {
  await ready();
  return sodium.crypto_pwhash_str(
    password,
    sodium.crypto_pwhash_OPSLIMIT_INTERACTIVE,
    sodium.crypto_pwhash_MEMLIMIT_INTERACTIVE,
  );
}

function adminExists(): StaffError {
  return new StaffError(StaffErrorCode.AdminExists, 'this node already has an administrator');
}
