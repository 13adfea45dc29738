import type { Database, Queryable } from '../../db/database.js';
import { appendAudit } from '../audit/audit-log.js';
import { can, type PermissionSubject } from './permissions.js';
import { UserError, UserErrorCode } from './user-errors.js';
import {
  lockUserByUsername,
  type MinistryUser,
  normaliseUsername,
  parseInput,
  toUser,
  type UserRow,
  usernameSchema,
} from './user-rows.js';

/** Who administers ministry accounts: a user holding `users.manage`. */
export type UserAdminActor = PermissionSubject & { readonly username: string };

/** The audit log's entity for ministry accounts; the entry's id is the account's id. */
export const USER_AUDIT_ENTITY = 'hub_user';

/** What a change records: the account's state before and after, never a secret or a hash. */
export interface ChangeRecord {
  readonly before: Readonly<Record<string, unknown>>;
  readonly after: Readonly<Record<string, unknown>>;
}

/** One change to an account, applied and audited in one transaction. */
export interface UserChange {
  /** The audit log's action, e.g. `user.roles_changed`. */
  readonly action: string;
  /** Refused with `self_change` when the actor is the account. */
  readonly notOnSelf: boolean;
  apply(tx: Queryable, row: UserRow, at: Date): Promise<ChangeRecord>;
}

/** The audit log's actor of a ministry user (the convention of hub/services/audit/audit-log.ts). */
export function auditActor(actor: UserAdminActor): string {
  return `officer:${actor.username}`;
}

/** `forbidden` unless the actor holds `users.manage` (the routes check too; this holds for every caller). */
export function assertUserManager(actor: UserAdminActor): void {
  if (!can(actor, 'users.manage')) {
    throw new UserError(UserErrorCode.Forbidden, 'managing ministry accounts needs the directorate role');
  }
}

/**
 * Applies a change to the account of a username and appends it to the hub's audit log, both in
 * one transaction with the account's row locked: a refusal (`forbidden`, `invalid_request`,
 * `self_change`, `not_found`) writes nothing, and two administrators acting at once queue.
 */
export async function changeUser(
  db: Database,
  actor: UserAdminActor,
  username: string,
  change: UserChange,
  now: Date,
): Promise<MinistryUser> {
  assertUserManager(actor);
  const target = parseInput(usernameSchema, username);
  if (change.notOnSelf && target === normaliseUsername(actor.username)) {
    throw new UserError(UserErrorCode.SelfChange, 'an administrator may not do this to their own account');
  }
  return db.transaction(async (tx) => {
    const row = await lockUserByUsername(tx, target);
    if (row === undefined) throw new UserError(UserErrorCode.NotFound, 'no such user');
    const { before, after } = await change.apply(tx, row, now);
    await appendAudit(tx, {
      at: now,
      actor: auditActor(actor),
      action: change.action,
      entity: USER_AUDIT_ENTITY,
      entityId: row.id,
      before: { username: row.username, ...before },
      after: { username: row.username, ...after },
    });
    const changed = await lockUserByUsername(tx, target);
    return toUser(changed ?? row);
  });
}
