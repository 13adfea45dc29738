import { randomUUID } from 'node:crypto';
import { encryptField } from '../../crypto/field-cipher.js';
import type { Store } from '../../db/store.js';
import { immediateTransaction } from '../../db/transaction.js';
import { appendAudit } from '../audit/audit-log.js';
import { StaffError, StaffErrorCode } from './errors.js';
import type { StaffRole } from './permissions.js';
import { revokeUserSessions } from './sessions.js';
import {
  digestStaff,
  encryptDisplayName,
  requireStaffRow,
  STAFF_ENTITY,
  type StaffRow,
  selectStaffRowByUsername,
  staffBinding,
  writeRoles,
} from './staff-rows.js';

/** A new account's row, before it is written. */
export interface NewStaffRow {
  readonly username: string;
  readonly displayName: string;
  readonly roles: readonly StaffRole[];
  readonly passwordHash: string;
  readonly mustChangePassword: boolean;
  /** Base32 TOTP secret, for an account enrolled at creation (the bootstrap admin). */
  readonly totpSecret?: string;
}

/** Inserts an account with its roles and its audit entry. Call inside a transaction. */
export function insertStaffRow(store: Store, input: NewStaffRow, actor: string, now: Date): StaffRow {
  if (selectStaffRowByUsername(store.db, input.username)) {
    throw new StaffError(StaffErrorCode.UsernameTaken, `the username ${input.username} is taken`);
  }
  const id = randomUUID();
  const at = now.toISOString();
  const totp = input.totpSecret
    ? encryptField(store.keys.field, input.totpSecret, staffBinding('totp_secret', id))
    : null;
  store.db
    .prepare(
      `INSERT INTO staff_users (id, username, display_name_enc, active, password_hash, must_change_password,
         password_changed_at, totp_secret_enc, totp_enrolled_at, created_at, updated_at)
       VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      id,
      input.username,
      encryptDisplayName(store, id, input.displayName),
      input.passwordHash,
      input.mustChangePassword ? 1 : 0,
      at,
      totp,
      totp ? at : null,
      at,
      at,
    );
  writeRoles(store.db, id, input.roles);
  const row = requireStaffRow(store.db, id);
  appendAudit(store.db, {
    actor,
    action: 'staff.created',
    entity: STAFF_ENTITY,
    entityId: id,
    afterDigest: digestStaff(store, row),
    at,
  });
  return row;
}

/** One audited change to an account, made by `actor`. */
export interface StaffChange {
  readonly action: string;
  /** Applies the change to the row (SQL on `store.db`). */
  apply(row: StaffRow): void;
  /** Ends the user's sessions, with this reason: for any change to what the account may do. */
  readonly revokeReason?: string;
}

/**
 * Applies a change to an account in one transaction with its audit entry (before/after digests)
 * and the revocation of its sessions; refuses a change that leaves no active administrator.
 */
export function changeStaff(
  store: Store,
  actor: string,
  userId: string,
  change: StaffChange,
  now: Date,
): StaffRow {
  return immediateTransaction(store.db, () => {
    const before = requireStaffRow(store.db, userId);
    // Digested before the change: the digest reads the roles from their table.
    const beforeDigest = digestStaff(store, before);
    change.apply(before);
    store.db.prepare('UPDATE staff_users SET updated_at = ? WHERE id = ?').run(now.toISOString(), userId);
    assertAdminRemains(store);
    const after = requireStaffRow(store.db, userId);
    appendAudit(store.db, {
      actor,
      action: change.action,
      entity: STAFF_ENTITY,
      entityId: userId,
      beforeDigest,
      afterDigest: digestStaff(store, after),
      at: now.toISOString(),
    });
    if (change.revokeReason) revokeUserSessions(store.db, userId, change.revokeReason, now);
    return after;
  });
}

// Without an active admin nobody can create accounts or reset a lost phone: the node would need
// `econsulat node init` again. Checked after the change, inside its transaction, so it rolls back.
function assertAdminRemains(store: Store): void {
  const row = store.db
    .prepare(
      `SELECT count(*) AS n FROM staff_users u JOIN staff_roles r ON r.user_id = u.id
       WHERE r.role = 'admin' AND u.active = 1`,
    )
    .get() as { n: number };
  if (row.n === 0) {
    throw new StaffError(
      StaffErrorCode.LastAdmin,
      'this would leave the mission without an active administrator',
    );
  }
}

/** Whether any account holds the admin role (active or not). */
export function hasAnyAdmin(store: Store): boolean {
  return store.db.prepare("SELECT 1 FROM staff_roles WHERE role = 'admin' LIMIT 1").get() !== undefined;
}
