import { decryptField, encryptField, type FieldBinding } from '../../crypto/field-cipher.js';
import type { Db } from '../../db/db.js';
import type { Store } from '../../db/store.js';
import { digestRecord } from '../audit/audit-hash.js';
import { StaffError, StaffErrorCode } from './errors.js';
import { STAFF_ROLES, type StaffRole } from './permissions.js';
import type { StaffUser } from './staff-schema.js';

/** A row of `staff_users`, as SQLite returns it. */
export interface StaffRow {
  readonly id: string;
  readonly username: string;
  readonly display_name_enc: Uint8Array;
  readonly active: number;
  readonly password_hash: string;
  readonly must_change_password: number;
  readonly password_changed_at: string;
  readonly totp_secret_enc: Uint8Array | null;
  readonly totp_pending_enc: Uint8Array | null;
  readonly totp_enrolled_at: string | null;
  readonly totp_last_step: number | null;
  readonly last_login_at: string | null;
  readonly created_at: string;
  readonly updated_at: string;
}

/** The audit log's name for staff accounts. */
export const STAFF_ENTITY = 'staff_user';

/** Where an encrypted column of a staff row is bound. */
export function staffBinding(column: string, id: string): FieldBinding {
  return { table: 'staff_users', column, rowId: id };
}

/** The row of an account, or undefined. */
export function selectStaffRow(db: Db, id: string): StaffRow | undefined {
  return db.prepare('SELECT * FROM staff_users WHERE id = ?').get(id) as StaffRow | undefined;
}

/** The row of an account by (normalised) username, or undefined. */
export function selectStaffRowByUsername(db: Db, username: string): StaffRow | undefined {
  return db.prepare('SELECT * FROM staff_users WHERE username = ?').get(username) as StaffRow | undefined;
}

/** The row of an account; throws `not_found`. */
export function requireStaffRow(db: Db, id: string): StaffRow {
  const row = selectStaffRow(db, id);
  if (!row) throw new StaffError(StaffErrorCode.NotFound, `no staff account ${id}`);
  return row;
}

/** The roles of an account, in the canonical order. */
export function selectRoles(db: Db, id: string): StaffRole[] {
  const rows = db.prepare('SELECT role FROM staff_roles WHERE user_id = ?').all(id) as { role: StaffRole }[];
  return STAFF_ROLES.filter((role) => rows.some((row) => row.role === role));
}

/** Replaces the roles of an account. */
export function writeRoles(db: Db, id: string, roles: readonly StaffRole[]): void {
  db.prepare('DELETE FROM staff_roles WHERE user_id = ?').run(id);
  const insert = db.prepare('INSERT INTO staff_roles (user_id, role) VALUES (?, ?)');
  for (const role of roles) insert.run(id, role);
}

/** The account as the back office sees it (display name decrypted, no secret). */
export function decodeStaff(store: Store, row: StaffRow): StaffUser {
  return {
    id: row.id,
    username: row.username,
    displayName: decryptField(store.keys.field, row.display_name_enc, staffBinding('display_name', row.id)),
    roles: selectRoles(store.db, row.id),
    active: row.active === 1,
    mustChangePassword: row.must_change_password === 1,
    totpEnrolled: row.totp_secret_enc !== null,
    ...(row.last_login_at ? { lastLoginAt: row.last_login_at } : {}),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Encrypts a display name for its column. */
export function encryptDisplayName(store: Store, id: string, displayName: string): Uint8Array {
  return encryptField(store.keys.field, displayName, staffBinding('display_name', id));
}

/**
 * The keyed digest of an account's state for the audit log. Secrets are reduced to facts (enrolled
 * or not, when the password changed): the log must never help anyone recover one.
 */
export function digestStaff(store: Store, row: StaffRow): string {
  const user = decodeStaff(store, row);
  return digestRecord(store.keys.audit, {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    roles: user.roles,
    active: user.active,
    mustChangePassword: user.mustChangePassword,
    totpEnrolled: user.totpEnrolled,
    passwordChangedAt: row.password_changed_at,
  });
}
