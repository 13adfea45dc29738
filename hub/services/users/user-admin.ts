import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Database, Queryable } from '../../db/database.js';
import { type PasswordHasher, sharedPasswordHasher } from './password-hasher.js';
import { assertPasswordPolicy } from './password-policy.js';
import { revokeUserSessions } from './sessions.js';
import { UserError, UserErrorCode } from './user-errors.js';
import {
  type MinistryUser,
  parseInput,
  requireUserByUsername,
  rolesSchema,
  selectUserByUsername,
  toUser,
  type UserRow,
  usernameSchema,
} from './user-rows.js';

/** A new ministry user. The account cannot log in until its TOTP enrolment is confirmed. */
export const newUserSchema = z.strictObject({
  username: usernameSchema,
  displayName: z.string().trim().min(1).max(200),
  roles: rolesSchema,
  password: z.string(),
});

/** Input of {@link createUser}. */
export type NewUser = z.input<typeof newUserSchema>;

/** What the admin functions need besides the database. */
export interface AdminOptions {
  readonly now?: Date;
  /** Hashes off the event loop; the process's shared workers when absent. */
  readonly hasher?: PasswordHasher;
}

/**
 * Creates a user with a password that meets the policy (`weak_password` otherwise); `user_exists`
 * when the username is taken. TOTP is enrolled afterwards (totp-enrolment.ts).
 */
export async function createUser(
  db: Database,
  input: NewUser,
  options: AdminOptions = {},
): Promise<MinistryUser> {
  const user = parseInput(newUserSchema, input);
  assertPasswordPolicy(user.password, user.username);
  const passwordHash = await (options.hasher ?? sharedPasswordHasher()).hash(user.password);
  const row = await insertUser(db, { ...user, passwordHash }, options.now ?? new Date());
  return toUser(row);
}

/** A user row to insert: the password already hashed. */
export interface UserInsert {
  readonly username: string;
  readonly displayName: string;
  readonly roles: readonly string[];
  readonly passwordHash: string;
  readonly id?: string;
}

/** Inserts a user; `user_exists` when the username is taken, also under a concurrent insert. */
export async function insertUser(db: Queryable, user: UserInsert, now: Date): Promise<UserRow> {
  const rows = await db.query<UserRow>(
    `INSERT INTO hub_users (id, username, display_name, roles, password_hash, created_at)
     VALUES ($1, $2, $3, $4::jsonb, $5, $6::timestamptz)
     ON CONFLICT (username) DO NOTHING
     RETURNING id, username, display_name, roles, active, password_hash, totp_secret_enc,
       totp_confirmed_at, totp_last_step`,
    [
      user.id ?? randomUUID(),
      user.username,
      user.displayName,
      JSON.stringify(user.roles),
      user.passwordHash,
      now.toISOString(),
    ],
  );
  const row = rows[0];
  if (row === undefined) throw new UserError(UserErrorCode.UserExists, 'this username is taken');
  return row;
}

/** Activates or deactivates a user; deactivation ends every session at once. */
export async function setUserActive(
  db: Database,
  username: string,
  active: boolean,
  now: Date,
): Promise<MinistryUser> {
  const row = await requireUserByUsername(db, username);
  await db.transaction(async (tx) => {
    await tx.query('UPDATE hub_users SET active = $2 WHERE id = $1', [row.id, active]);
    if (!active) await revokeUserSessions(tx, row.id, now);
  });
  return toUser({ ...row, active });
}

/** Sets a new password under the policy and ends the user's sessions (a suspected compromise). */
export async function setPassword(
  db: Database,
  username: string,
  password: string,
  options: AdminOptions = {},
): Promise<void> {
  const row = await requireUserByUsername(db, username);
  assertPasswordPolicy(password, row.username);
  const hash = await (options.hasher ?? sharedPasswordHasher()).hash(password);
  await db.transaction(async (tx) => {
    await tx.query('UPDATE hub_users SET password_hash = $2 WHERE id = $1', [row.id, hash]);
    await revokeUserSessions(tx, row.id, options.now ?? new Date());
  });
}

/** The user of a username, or undefined. */
export async function findUser(db: Database, username: string): Promise<MinistryUser | undefined> {
  const row = await selectUserByUsername(db, username.trim().toLowerCase());
  return row && toUser(row);
}
