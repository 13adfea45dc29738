import type { Queryable } from '../../db/database.js';
import { type MinistryUser, toUser, type UserFields } from './user-rows.js';

/** An account as its administrators see it: never a hash or a secret. */
export interface UserListing extends MinistryUser {
  /** The end of a login lockout still running, or null. */
  readonly lockedUntil: string | null;
  readonly createdAt: string;
  readonly lastLoginAt: string | null;
}

type ListingRow = UserFields & {
  readonly created_at: Date;
  readonly last_login_at: Date | null;
  readonly locked_until: Date | null;
};

// The hash and the sealed secret are never read here: the listing could not leak them.
const LISTING = `SELECT u.id, u.username, u.display_name, u.roles, u.active, u.totp_confirmed_at,
    u.created_at, u.last_login_at, a.locked_until
  FROM hub_users u LEFT JOIN hub_login_attempts a ON a.username = u.username`;

/** Every account, by username. */
export async function listUsers(db: Queryable, now: Date): Promise<UserListing[]> {
  const rows = await db.query<ListingRow>(`${LISTING} ORDER BY u.username`);
  return rows.map((row) => toListing(row, now));
}

/** The account of a username (already normalised), or undefined. */
export async function findListing(
  db: Queryable,
  username: string,
  now: Date,
): Promise<UserListing | undefined> {
  const [row] = await db.query<ListingRow>(`${LISTING} WHERE u.username = $1`, [username]);
  return row && toListing(row, now);
}

function toListing(row: ListingRow, now: Date): UserListing {
  const locked = row.locked_until && new Date(row.locked_until).getTime() > now.getTime();
  return {
    ...toUser(row),
    lockedUntil: locked ? new Date(row.locked_until as Date).toISOString() : null,
    createdAt: new Date(row.created_at).toISOString(),
    lastLoginAt: row.last_login_at === null ? null : new Date(row.last_login_at).toISOString(),
  };
}
