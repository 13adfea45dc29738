import { immediateTransaction } from '../../db/transaction.js';
import { StaffError, StaffErrorCode } from './errors.js';
import { clearFailures } from './login-throttle.js';
import { can, type PermissionSubject, type StaffRole } from './permissions.js';
import { deleteRecoveryCodes } from './recovery-codes.js';
import { revokeUserSessions } from './sessions.js';
import { generatePassword, normaliseUsername, type StaffContext } from './staff-context.js';
import { decodeStaff, requireStaffRow, type StaffRow, writeRoles } from './staff-rows.js';
import {
  type NewStaffInput,
  newStaffSchema,
  parseInput,
  rolesSchema,
  type StaffUser,
  staffIdSchema,
} from './staff-schema.js';
import { changeStaff, insertStaffRow } from './staff-writes.js';

/** Who performs an admin operation: a principal holding `staff.manage`. */
export type StaffActor = PermissionSubject & { readonly username: string };

/** An account with a password to hand over once (by voice or on paper, never by SMS or e-mail). */
export interface StaffWithPassword {
  readonly user: StaffUser;
  readonly temporaryPassword: string;
}

/** Creates an account with a temporary password; it must change it and enrol TOTP at first login. */
export async function createStaff(
  ctx: StaffContext,
  actor: StaffActor,
  input: NewStaffInput,
): Promise<StaffWithPassword> {
  assertManager(actor);
  const fields = parseInput(newStaffSchema, input);
  const temporaryPassword = generatePassword();
  const passwordHash = await ctx.hasher.hash(temporaryPassword);
  const now = ctx.now();
  const row = immediateTransaction(ctx.store.db, () =>
    insertStaffRow(ctx.store, { ...fields, passwordHash, mustChangePassword: true }, actor.username, now),
  );
  return { user: decodeStaff(ctx.store, row), temporaryPassword };
}

/**
 * Replaces the roles of an account; its sessions end so the new roles apply at once. Never the
 * actor's own (`self_change`): nobody grants themselves a role.
 */
export function setStaffRoles(
  ctx: StaffContext,
  actor: StaffActor,
  userId: string,
  roles: readonly StaffRole[],
): StaffUser {
  assertManager(actor);
  const id = parseInput(staffIdSchema, userId);
  const canonical = parseInput(rolesSchema, roles);
  assertNotSelf(ctx, actor, id);
  return update(ctx, actor, id, {
    action: 'staff.roles_changed',
    revokeReason: 'roles_changed',
    apply: (row) => writeRoles(ctx.store.db, row.id, canonical),
  });
}

/**
 * Deactivates an account: it can no longer log in and its sessions end. Its history stays. Never
 * the actor's own (`self_change`).
 */
export function deactivateStaff(ctx: StaffContext, actor: StaffActor, userId: string): StaffUser {
  return setActive(ctx, actor, userId, false);
}

/** Reactivates a deactivated account. */
export function reactivateStaff(ctx: StaffContext, actor: StaffActor, userId: string): StaffUser {
  return setActive(ctx, actor, userId, true);
}

/** Removes the TOTP secret and recovery codes (a lost phone): the user must enrol again. */
export function resetStaffTotp(ctx: StaffContext, actor: StaffActor, userId: string): StaffUser {
  assertManager(actor);
  return update(ctx, actor, parseInput(staffIdSchema, userId), {
    action: 'staff.totp_reset',
    revokeReason: 'totp_reset',
    apply: (row) => {
      ctx.store.db
        .prepare(
          `UPDATE staff_users SET totp_secret_enc = NULL, totp_pending_enc = NULL, totp_enrolled_at = NULL,
             totp_last_step = NULL WHERE id = ?`,
        )
        .run(row.id);
      deleteRecoveryCodes(ctx.store.db, row.id);
    },
  });
}

/** Gives an account a new temporary password (a forgotten one); it must be changed at next login. */
export async function resetStaffPassword(
  ctx: StaffContext,
  actor: StaffActor,
  userId: string,
): Promise<StaffWithPassword> {
  assertManager(actor);
  const id = parseInput(staffIdSchema, userId);
  requireStaffRow(ctx.store.db, id);
  const temporaryPassword = generatePassword();
  const passwordHash = await ctx.hasher.hash(temporaryPassword);
  const now = ctx.now().toISOString();
  const user = update(ctx, actor, id, {
    action: 'staff.password_reset',
    revokeReason: 'password_reset',
    apply: (row) =>
      ctx.store.db
        .prepare(
          'UPDATE staff_users SET password_hash = ?, must_change_password = 1, password_changed_at = ? WHERE id = ?',
        )
        .run(passwordHash, now, row.id),
  });
  return { user, temporaryPassword };
}

/** Lifts a lockout before its 15 minutes are up (the user called the admin). */
export function unlockStaff(ctx: StaffContext, actor: StaffActor, userId: string): StaffUser {
  assertManager(actor);
  return update(ctx, actor, parseInput(staffIdSchema, userId), {
    action: 'staff.unlocked',
    apply: (row) => clearFailures(ctx.store.db, row.username),
  });
}

/** Ends every session of an account (a stolen laptop), without changing the account. */
export function revokeStaffSessions(ctx: StaffContext, actor: StaffActor, userId: string): number {
  assertManager(actor);
  const id = parseInput(staffIdSchema, userId);
  const now = ctx.now();
  let revoked = 0;
  update(ctx, actor, id, {
    action: 'staff.sessions_revoked',
    apply: (row) => {
      revoked = revokeUserSessions(ctx.store.db, row.id, 'revoked_by_admin', now);
    },
  });
  return revoked;
}

/** Every account, by username. */
export function listStaff(ctx: StaffContext, actor: StaffActor): StaffUser[] {
  assertManager(actor);
  const rows = ctx.store.db.prepare('SELECT * FROM staff_users ORDER BY username').all() as StaffRow[];
  return rows.map((row) => decodeStaff(ctx.store, row));
}

function setActive(ctx: StaffContext, actor: StaffActor, userId: string, active: boolean): StaffUser {
  assertManager(actor);
  const id = parseInput(staffIdSchema, userId);
  if (!active) assertNotSelf(ctx, actor, id);
  return update(ctx, actor, id, {
    action: active ? 'staff.reactivated' : 'staff.deactivated',
    ...(active ? {} : { revokeReason: 'deactivated' }),
    apply: (row) =>
      ctx.store.db.prepare('UPDATE staff_users SET active = ? WHERE id = ?').run(active ? 1 : 0, row.id),
  });
}

function update(
  ctx: StaffContext,
  actor: StaffActor,
  id: string,
  change: Parameters<typeof changeStaff>[3],
): StaffUser {
  return decodeStaff(ctx.store, changeStaff(ctx.store, actor.username, id, change, ctx.now()));
}

// Checked before the change's transaction, so a refusal writes nothing. Usernames never change and
// are what the audit log names as actor, so they identify the account as well as its id.
function assertNotSelf(ctx: StaffContext, actor: StaffActor, id: string): void {
  const target = requireStaffRow(ctx.store.db, id);
  if (target.username === normaliseUsername(actor.username)) {
    throw new StaffError(StaffErrorCode.SelfChange, 'an administrator may not do this to their own account');
  }
}

function assertManager(actor: StaffActor): void {
  if (!can(actor, 'staff.manage')) {
    throw new StaffError(StaffErrorCode.Forbidden, 'managing staff accounts needs the admin role');
  }
}
