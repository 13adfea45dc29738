import type { MissionEvent } from '../../../protocol/index.js';
import { decryptField, encryptField, type FieldBinding } from '../../crypto/field-cipher.js';
import type { Store } from '../../db/store.js';
import { transaction } from '../../db/transaction.js';
import { digestRecord } from '../audit/audit-hash.js';
import { appendAudit } from '../audit/audit-log.js';
import { type RecordOutcome, type RecordOutcomes, recordKey } from './restore-records.js';

/** What became of a recovered event's record; `not_copied` when the hub returned no copy of it. */
export type RecoveredOutcome = RecordOutcome | 'not_copied';

/** Outcomes that leave nothing for an agent to do. */
const SETTLED: readonly RecoveredOutcome[] = ['restored', 'already_here'];

/** True when a recovered event's record was put back as it was: nothing for an agent to do. */
export function isSettled(outcome: RecoveredOutcome): boolean {
  return SETTLED.includes(outcome);
}
const SETTLED_SQL = SETTLED.map((outcome) => `'${outcome}'`).join(', ');

/** An event the hub returned after a restore, as the staff see it. */
export interface RecoveredEvent extends MissionEvent {
  readonly recoveredAt: string;
  readonly outcome: RecoveredOutcome;
  readonly reviewedAt: string | null;
  readonly reviewedBy: string | null;
}

/**
 * Keeps the events the hub returned after a resync: written by this mission after the backup it
 * was restored from, each with what became of its record (`outcomes`, from restoreRecords). An
 * event the node still holds (its outbox has it) or already kept is skipped, so a batch received
 * twice adds nothing. Call inside the receiving transaction. Returns how many were new.
 */
export function keepRecoveredEvents(
  store: Store,
  events: readonly MissionEvent[],
  at: string,
  outcomes: RecordOutcomes = new Map(),
): number {
  const known = store.db.prepare(
    'SELECT 1 FROM outbox WHERE id = ? UNION ALL SELECT 1 FROM recovered_events WHERE id = ?',
  );
  const insert = store.db.prepare(
    `INSERT INTO recovered_events (id, kind, entity, entity_id, at, data, recovered_at, outcome)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  let kept = 0;
  for (const event of events) {
    if (known.get(event.id, event.id)) continue;
    const data = encryptField(store.keys.field, JSON.stringify(event.data), binding(event.id));
    const outcome = outcomes.get(recordKey(event.entity, event.entityId)) ?? 'not_copied';
    insert.run(event.id, event.kind, event.entity, event.entityId, event.at, data, at, outcome);
    kept += 1;
  }
  return kept;
}

/** The recovered events, newest first; only those not reviewed yet unless `all`. */
export function listRecoveredEvents(
  store: Store,
  options: { all?: boolean; limit?: number } = {},
): RecoveredEvent[] {
  const rows = store.db
    .prepare(
      `SELECT id, kind, entity, entity_id AS entityId, at, data, recovered_at AS recoveredAt, outcome,
              reviewed_at AS reviewedAt, reviewed_by AS reviewedBy
         FROM recovered_events WHERE ? OR reviewed_at IS NULL ORDER BY at DESC, id LIMIT ?`,
    )
    .all(options.all ? 1 : 0, options.limit ?? 500) as (Omit<RecoveredEvent, 'data'> & {
    data: Uint8Array;
  })[];
  return rows.map((row) => ({
    ...row,
    data: JSON.parse(decryptField(store.keys.field, row.data, binding(row.id))) as MissionEvent['data'],
  }));
}

/**
 * How many recovered events wait for an agent: not reviewed yet, and their record not put back as
 * it was (kept here, overbooked, a number taken, not copied, failed).
 */
export function countRecoveredToReview(store: Store): number {
  return (
    store.db
      .prepare(
        `SELECT count(*) AS n FROM recovered_events WHERE reviewed_at IS NULL AND outcome NOT IN (${SETTLED_SQL})`,
      )
      .get() as { n: number }
  ).n;
}

/** How many recovered events there are, reviewed or not, by what became of their record. */
export function countRecoveredByOutcome(store: Store): Partial<Record<RecoveredOutcome, number>> {
  const rows = store.db
    .prepare('SELECT outcome, count(*) AS n FROM recovered_events GROUP BY outcome')
    .all() as { outcome: RecoveredOutcome; n: number }[];
  return Object.fromEntries(rows.map((row) => [row.outcome, row.n]));
}

/**
 * An agent has re-entered what a recovered event describes, or judged it needs nothing: marked
 * reviewed, audited. Returns false when the event is unknown or already reviewed.
 */
export function markRecoveredReviewed(store: Store, id: string, actor: string, at: Date): boolean {
  return transaction(store.db, () => {
    const changed = store.db
      .prepare(
        'UPDATE recovered_events SET reviewed_at = ?, reviewed_by = ? WHERE id = ? AND reviewed_at IS NULL',
      )
      .run(at.toISOString(), actor, id).changes;
    if (changed === 0) return false;
    appendAudit(store.db, {
      actor,
      action: 'recovered_event.reviewed',
      entity: 'recovered_event',
      entityId: id,
      afterDigest: digestRecord(store.keys.audit, { id, reviewedBy: actor }),
      at: at.toISOString(),
    });
    return true;
  });
}

function binding(id: string): FieldBinding {
  return { table: 'recovered_events', column: 'data', rowId: id };
}
