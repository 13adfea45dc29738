import { z } from 'zod';
import type { Queryable } from '../../db/database.js';
import { isMinistryRole, MINISTRY_ROLES, type MinistryRole } from './permissions.js';
import { UserError, UserErrorCode } from './user-errors.js';

/** A ministry user as services and the API see it: never a hash or a secret. */
export interface MinistryUser {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly roles: readonly MinistryRole[];
  readonly active: boolean;
  /** Whether TOTP enrolment is confirmed: without it, login is refused. */
  readonly totpEnrolled: boolean;
}

/** A row of hub_users. */
export interface UserRow {
  readonly id: string;
  readonly username: string;
  readonly display_name: string;
  readonly roles: unknown;
  readonly active: boolean;
  readonly password_hash: string;
  readonly totp_secret_enc: Uint8Array | null;
  readonly totp_confirmed_at: Date | null;
  readonly totp_last_step: number | null;
}

/** What {@link toUser} reads of a row: neither the hash nor the sealed secret. */
export type UserFields = Pick<
  UserRow,
  'id' | 'username' | 'display_name' | 'roles' | 'active' | 'totp_confirmed_at'
>;

/** Usernames: lower-case letters, digits, dot, dash, underscore; 3–64 characters. */
export const usernameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._-]{2,63}$/, 'letters, digits, dot, dash or underscore; 3 to 64 characters');

/** At least one role, each a ministry role, no duplicates kept. */
export const rolesSchema = z
  .array(z.enum(MINISTRY_ROLES))
  .min(1)
  .transform((roles) => [...new Set(roles)]);

/** Case and spaces folded, as usernames are stored. */
export function normaliseUsername(username: string): string {
  return username.trim().toLowerCase();
}

/** The public view of a row. Roles no longer known (an older release's) are dropped, never granted. */
export function toUser(row: UserFields): MinistryUser {
  const roles = Array.isArray(row.roles)
    ? row.roles.filter((r): r is MinistryRole => isMinistryRole(String(r)))
    : [];
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    roles,
    active: row.active,
    totpEnrolled: row.totp_confirmed_at !== null,
  };
}

const COLUMNS = `id, username, display_name, roles, active, password_hash, totp_secret_enc,
  totp_confirmed_at, totp_last_step`;

/** The row of a username (already normalised), or undefined. */
export async function selectUserByUsername(db: Queryable, username: string): Promise<UserRow | undefined> {
  const rows = await db.query<UserRow>(`SELECT ${COLUMNS} FROM hub_users WHERE username = $1`, [username]);
  return rows[0];
}

/** The row of a username (already normalised), locked until the transaction ends, or undefined. */
export async function lockUserByUsername(tx: Queryable, username: string): Promise<UserRow | undefined> {
  const rows = await tx.query<UserRow>(`SELECT ${COLUMNS} FROM hub_users WHERE username = $1 FOR UPDATE`, [
    username,
  ]);
  return rows[0];
}

/** The row of a username, or a `not_found` refusal. */
export async function requireUserByUsername(db: Queryable, username: string): Promise<UserRow> {
  const row = await selectUserByUsername(db, normaliseUsername(username));
  if (row === undefined) throw new UserError(UserErrorCode.NotFound, 'no such user');
  return row;
}

/** Parses input with a schema; a mismatch is an `invalid_request` refusal carrying zod's issues. */
export function parseInput<T>(schema: z.ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new UserError(UserErrorCode.InvalidInput, 'invalid user data', {
    issues: z.treeifyError(parsed.error),
  });
}
