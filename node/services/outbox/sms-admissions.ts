import type { Db } from '../../db/db.js';
import type { SmsCapIndexes, SmsCapScope, SmsCaps } from './sms-caps.js';

/** A check that let an SMS through: the SMS queued next in the same change need not count again. */
interface Admission {
  readonly to: string;
  readonly scope: SmsCapScope;
  readonly caps: SmsCaps;
  readonly at: number;
  /** The newest SMS when the check counted: another since, and the counts may have grown. */
  readonly lastId: number;
  readonly indexes: SmsCapIndexes;
}

// One per database connection, the last only: a change checks, then queues, in one transaction.
const admissions = new WeakMap<Db, Admission>();

/** The newest SMS's id (0 when none): the counts of the windows only grow with a new one. */
export function lastSmsId(db: Db): number {
  return (db.prepare('SELECT coalesce(max(id), 0) AS id FROM sms_outbox').get() as { id: number }).id;
}

/** Remembers that an SMS to `to` passed the caps of `scope` at `now`. */
export function rememberAdmission(db: Db, admission: Admission): void {
  admissions.set(db, admission);
}

/**
 * The indexes of the admission made for this SMS, when it still holds: same number, scope and caps,
 * no SMS queued since, and no earlier instant (a later one only lets older SMS leave the windows).
 * Used once: the next SMS counts again.
 */
export function takeAdmission(
  db: Db,
  sms: { readonly to: string; readonly scope: SmsCapScope; readonly caps: SmsCaps; readonly at: number },
): SmsCapIndexes | undefined {
  const admission = admissions.get(db);
  if (admission === undefined) return undefined;
  admissions.delete(db);
  const holds =
    admission.to === sms.to &&
    admission.scope === sms.scope &&
    admission.caps === sms.caps &&
    admission.at <= sms.at &&
    admission.lastId === lastSmsId(db);
  return holds ? admission.indexes : undefined;
}
