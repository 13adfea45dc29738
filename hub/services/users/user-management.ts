import { z } from 'zod';
import type { Database, Queryable } from '../../db/database.js';
import { appendAudit } from '../audit/audit-log.js';
import { type PasswordHasher, sharedPasswordHasher } from './password-hasher.js';
import { assertPasswordPolicy, generatePassword } from './password-policy.js';
import { revokeUserSessions } from './sessions.js';
import { insertUser } from './user-admin.js';
import {
  assertUserManager,
  auditActor,
  changeUser,
  USER_AUDIT_ENTITY,
  type UserAdminActor,
  type UserChange,
} from './user-changes.js';
import { UserError, UserErrorCode } from './user-errors.js';
import { findListing, listUsers, type UserListing } from './user-listing.js';
import { type MinistryUser, parseInput, rolesSchema, toUser, usernameSchema } from './user-rows.js';

/**
 * A new account from an administrator. Without `password` the hub makes one, returned once; a
 * given one must meet the policy. Either way TOTP is not enrolled: login is refused until it is.
 */
export const createUserSchema = z.strictObject({
  username: usernameSchema,
  displayName: z.string().trim().min(1).max(200),
  roles: rolesSchema,
  password: z.string().max(1024).optional(),
});

/** Input of {@link UserManagementService.create}. */
export type CreateUserInput = z.input<typeof createUserSchema>;

/** A created account, and the password the hub made for it (absent when one was given): shown once. */
export interface CreatedUser {
  readonly user: MinistryUser;
  readonly temporaryPassword?: string;
}

/**
 * The ministry's accounts, administered by users holding `users.manage`. Every change is audited
 * in hub_audit_log in its own transaction; nobody changes their own roles, deactivates themselves
 * or resets their own second factor (`self_change`).
 */
export interface UserManagementService {
  list(actor: UserAdminActor): Promise<UserListing[]>;
  /** One account; `not_found` when there is none. */
  get(actor: UserAdminActor, username: string): Promise<UserListing>;
  create(actor: UserAdminActor, input: CreateUserInput): Promise<CreatedUser>;
  /** The account can no longer log in; its sessions end. */
  deactivate(actor: UserAdminActor, username: string): Promise<MinistryUser>;
  reactivate(actor: UserAdminActor, username: string): Promise<MinistryUser>;
  /** Lifts a login lockout before it runs out. */
  unlock(actor: UserAdminActor, username: string): Promise<MinistryUser>;
  /** A lost phone: the TOTP secret and recovery codes go, the sessions end, login waits for a new enrolment. */
  resetTotp(actor: UserAdminActor, username: string): Promise<MinistryUser>;
  /** Replaces the roles; the sessions end so the new roles apply at once. */
  setRoles(actor: UserAdminActor, username: string, roles: readonly string[]): Promise<MinistryUser>;
}

/** What the service needs. */
export interface UserManagementOptions {
  readonly db: Database;
  readonly now: () => Date;
  /** The process's shared argon2id workers when absent. */
  readonly hasher?: PasswordHasher;
}

/** Wires the administration of ministry accounts. */
export function createUserManagementService(options: UserManagementOptions): UserManagementService {
  const { db, now } = options;
  const change = (actor: UserAdminActor, username: string, what: UserChange) =>
    changeUser(db, actor, username, what, now());
  return {
    async list(actor) {
      assertUserManager(actor);
      return listUsers(db, now());
    },
    async get(actor, username) {
      assertUserManager(actor);
      const found = await findListing(db, parseInput(usernameSchema, username), now());
      if (found === undefined) throw new UserError(UserErrorCode.NotFound, 'no such user');
      return found;
    },
    create: (actor, input) => createAccount(options, actor, input),
    deactivate: (actor, username) => change(actor, username, DEACTIVATION),
    reactivate: (actor, username) => change(actor, username, REACTIVATION),
    unlock: (actor, username) => change(actor, username, UNLOCK),
    resetTotp: (actor, username) => change(actor, username, TOTP_RESET),
    async setRoles(actor, username, roles) {
      assertUserManager(actor);
      return change(actor, username, roleChange(parseInput(rolesSchema, roles)));
    },
  };
}

async function createAccount(
  options: UserManagementOptions,
  actor: UserAdminActor,
  input: CreateUserInput,
): Promise<CreatedUser> {
  assertUserManager(actor);
  const { password: given, ...account } = parseInput(createUserSchema, input);
  const temporaryPassword = given === undefined ? generatePassword() : undefined;
  const password = given ?? (temporaryPassword as string);
  assertPasswordPolicy(password, account.username);
  const passwordHash = await (options.hasher ?? sharedPasswordHasher()).hash(password);
  const at = options.now();
  const row = await options.db.transaction(async (tx) => {
    const inserted = await insertUser(tx, { ...account, passwordHash }, at);
    await appendAudit(tx, {
      at,
      actor: auditActor(actor),
      action: 'user.created',
      entity: USER_AUDIT_ENTITY,
      entityId: inserted.id,
      before: null,
      after: {
        username: inserted.username,
        displayName: inserted.display_name,
        roles: account.roles,
        active: true,
        totpEnrolled: false,
        passwordGenerated: temporaryPassword !== undefined,
      },
    });
    return inserted;
  });
  return { user: toUser(row), ...(temporaryPassword === undefined ? {} : { temporaryPassword }) };
}

const DEACTIVATION: UserChange = {
  action: 'user.deactivated',
  notOnSelf: true,
  async apply(tx, row, at) {
    await tx.query('UPDATE hub_users SET active = false WHERE id = $1', [row.id]);
    const sessionsEnded = await revokeUserSessions(tx, row.id, at);
    return { before: { active: row.active }, after: { active: false, sessionsEnded } };
  },
};

// A deactivated user cannot act, so reactivating oneself never arises.
const REACTIVATION: UserChange = {
  action: 'user.reactivated',
  notOnSelf: false,
  async apply(tx, row) {
    await tx.query('UPDATE hub_users SET active = true WHERE id = $1', [row.id]);
    return { before: { active: row.active }, after: { active: true } };
  },
};

const UNLOCK: UserChange = {
  action: 'user.unlocked',
  notOnSelf: false,
  async apply(tx, row) {
    const before = await attemptsOf(tx, row.username);
    await tx.query('DELETE FROM hub_login_attempts WHERE username = $1', [row.username]);
    return { before, after: { failures: 0, lockedUntil: null } };
  },
};

// A session alone must not clear its own second factor: with the password, that would let
// whoever holds the session enrol a device of their own.
const TOTP_RESET: UserChange = {
  action: 'user.totp_reset',
  notOnSelf: true,
  async apply(tx, row, at) {
    await tx.query(
      `UPDATE hub_users SET totp_secret_enc = NULL, totp_confirmed_at = NULL, totp_last_step = NULL
       WHERE id = $1`,
      [row.id],
    );
    await tx.query('DELETE FROM hub_user_recovery_codes WHERE user_id = $1', [row.id]);
    const sessionsEnded = await revokeUserSessions(tx, row.id, at);
    return {
      before: { totpEnrolled: row.totp_confirmed_at !== null },
      after: { totpEnrolled: false, sessionsEnded },
    };
  },
};

// Nobody grants themselves a role: the change is refused on one's own account.
function roleChange(roles: readonly string[]): UserChange {
  return {
    action: 'user.roles_changed',
    notOnSelf: true,
    async apply(tx, row, at) {
      await tx.query('UPDATE hub_users SET roles = $2::jsonb WHERE id = $1', [row.id, JSON.stringify(roles)]);
      const sessionsEnded = await revokeUserSessions(tx, row.id, at);
      return { before: { roles: row.roles }, after: { roles, sessionsEnded } };
    },
  };
}

async function attemptsOf(tx: Queryable, username: string): Promise<Record<string, unknown>> {
  const [row] = await tx.query<{ failures: number; locked_until: Date | null }>(
    'SELECT failures, locked_until FROM hub_login_attempts WHERE username = $1',
    [username],
  );
  const lockedUntil = row?.locked_until ? new Date(row.locked_until).toISOString() : null;
  return { failures: row?.failures ?? 0, lockedUntil };
}
