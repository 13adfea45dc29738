import type { Queryable } from '../../db/database.js';

/** A mission a directive can be sent to, as the form lists it. */
export interface DirectiveTarget {
  readonly id: string;
  readonly name: string;
}

/** The missions a directive can go to: enrolled and not revoked, by id. */
export async function directiveTargets(db: Queryable): Promise<DirectiveTarget[]> {
  return db.query<DirectiveTarget>('SELECT id, name FROM missions WHERE revoked_at IS NULL ORDER BY id');
}
