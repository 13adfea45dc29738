import { randomUUID } from 'node:crypto';
import { generateRecoveryCodes, generateTotpSecret, totpUri } from '../../../common/auth/index.js';
import type { Database } from '../../db/database.js';
import { appendAudit } from '../audit/audit-log.js';
import { type PasswordHasher, sharedPasswordHasher } from './password-hasher.js';
import { generatePassword } from './password-policy.js';
import { storeRecoveryCodes } from './recovery-codes.js';
import { assertSecretsKey, sealTotpSecret } from './secret-box.js';
import { HUB_TOTP_ISSUER } from './totp-enrolment.js';
import { insertUser } from './user-admin.js';
import { USER_AUDIT_ENTITY } from './user-changes.js';
import { type MinistryUser, parseInput, rolesSchema, toUser, usernameSchema } from './user-rows.js';

/** Input of {@link bootstrapUser}. */
export interface BootstrapInput {
  readonly username: string;
  readonly displayName: string;
  readonly roles: readonly string[];
  /** 32 bytes: encrypts the TOTP secret and keys the recovery codes' hashes. */
  readonly secretsKey: Uint8Array;
  readonly now?: Date;
  readonly hasher?: PasswordHasher;
  /** Who creates it, e.g. `officer:<name>` at the console: the creation is then audited (`user.created`). */
  readonly auditActor?: string;
}

/** A ready-to-use account and its secrets: returned once, stored only hashed or encrypted. */
export interface BootstrapResult {
  readonly user: MinistryUser;
  readonly password: string;
  /** Base32, to type into an authenticator app. */
  readonly totpSecret: string;
  /** otpauth:// URI, to show as a QR code. */
  readonly totpUri: string;
  readonly recoveryCodes: readonly string[];
}

/**
 * Creates a user with a generated password and an already confirmed TOTP secret, so the account
 * logs in at once from the printed secrets: for `econsulat hub create-user` (the first member of
 * the directorate) and the demo. `user_exists` when the username is taken.
 */
export async function bootstrapUser(db: Database, input: BootstrapInput): Promise<BootstrapResult> {
  assertSecretsKey(input.secretsKey);
  const username = parseInput(usernameSchema, input.username);
  const roles = parseInput(rolesSchema, input.roles);
  const password = generatePassword();
  const passwordHash = await (input.hasher ?? sharedPasswordHasher()).hash(password);
  const totpSecret = generateTotpSecret();
  const recoveryCodes = generateRecoveryCodes();
  const id = randomUUID();
  const sealed = await sealTotpSecret(input.secretsKey, id, totpSecret);
  const now = input.now ?? new Date();
  const row = await db.transaction(async (tx) => {
    const inserted = await insertUser(
      tx,
      { id, username, displayName: input.displayName, roles, passwordHash },
      now,
    );
    await tx.query(
      'UPDATE hub_users SET totp_secret_enc = $2, totp_confirmed_at = $3::timestamptz WHERE id = $1',
      [id, sealed, now.toISOString()],
    );
    await storeRecoveryCodes(tx, input.secretsKey, id, recoveryCodes);
    if (input.auditActor !== undefined) {
      await appendAudit(tx, {
        at: now,
        actor: input.auditActor,
        action: 'user.created',
        entity: USER_AUDIT_ENTITY,
        entityId: id,
        before: null,
        after: {
          username,
          displayName: inserted.display_name,
          roles,
          active: true,
          totpEnrolled: true,
          passwordGenerated: true,
        },
      });
    }
    return inserted;
  });
  const user = toUser({ ...row, totp_confirmed_at: now });
  return {
    user,
    password,
    totpSecret,
    totpUri: totpUri(totpSecret, HUB_TOTP_ISSUER, username),
    recoveryCodes,
  };
}
