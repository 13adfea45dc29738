import type { Store } from '../../db/store.js';
import { immediateTransaction } from '../../db/transaction.js';
import { digestRecord } from '../audit/audit-hash.js';
import { appendAudit } from '../audit/audit-log.js';
import { RollCallError, RollCallErrorCode } from './errors.js';
import { countAnswers } from './roll-call-counts.js';
import { writeNeedHelpList } from './roll-call-need-help.js';
import { ROLL_CALL_ENTITY } from './roll-call-start.js';

/** The actor of what the node's jobs do to roll-calls. */
export const ROLL_CALL_JOB_ACTOR = 'system:roll-calls';

/**
 * Closes an open roll-call (by hand, or at its end by the job) and audits it with its counts.
 * Closing a closed one changes nothing and returns false. Answers that arrive later are kept
 * aside as late, never counted.
 */
export function closeRollCall(store: Store, id: string, actor: string, now: Date): boolean {
  return immediateTransaction(store.db, () => {
    const state = store.db.prepare('SELECT state FROM roll_calls WHERE id = ?').pluck().get(id);
    if (state === undefined) throw new RollCallError(RollCallErrorCode.NotFound, `no roll-call ${id}`);
    if (state !== 'open') return false;
    const at = now.toISOString();
    store.db
      .prepare(`UPDATE roll_calls SET state = 'closed', closed_by = ?, closed_at = ? WHERE id = ?`)
      .run(actor, at, id);
    appendAudit(store.db, {
      actor,
      action: 'roll_call.closed',
      entity: ROLL_CALL_ENTITY,
      entityId: id,
      afterDigest: digestRecord(store.keys.audit, countAnswers(store, id)),
      at,
    });
    return true;
  });
}

/** Closes every roll-call whose end has come; their ids (a job, every minute). */
export function closeDueRollCalls(store: Store, now: Date): string[] {
  const due = store.db
    .prepare(`SELECT id FROM roll_calls WHERE state = 'open' AND ends_at <= ? ORDER BY ends_at`)
    .pluck()
    .all(now.toISOString()) as string[];
  return due.filter((id) => closeRollCall(store, id, ROLL_CALL_JOB_ACTOR, now));
}

/**
 * Purges the answers of the roll-calls closed before `closedBefore` — who was reached, who answered
 * what, the replies kept aside, the phones — keeping each roll-call's counts as its summary, and
 * the replies from numbers no roll-call reached once received before it. Audited per roll-call.
 * The hub is told to drop the list of the people who need help it holds of each (`purged`).
 * Returns how many roll-calls lost their answers. Run by the retention job (jobs/retention.ts).
 */
export function purgeRollCallAnswers(store: Store, closedBefore: string, now: Date): number {
  return immediateTransaction(store.db, () => {
    const ids = store.db
      .prepare(
        `SELECT id FROM roll_calls WHERE state = 'closed' AND closed_at < ? AND answers_purged_at IS NULL`,
      )
      .pluck()
      .all(closedBefore) as string[];
    const at = now.toISOString();
    for (const id of ids) {
      const counts = countAnswers(store, id);
      store.db.prepare('DELETE FROM roll_call_inbound WHERE roll_call_id = ?').run(id);
      store.db.prepare('DELETE FROM roll_call_targets WHERE roll_call_id = ?').run(id);
      store.db.prepare('DELETE FROM roll_call_phones WHERE roll_call_id = ?').run(id);
      store.db
        .prepare('UPDATE roll_calls SET summary = ?, answers_purged_at = ? WHERE id = ?')
        .run(JSON.stringify(counts), at, id);
      // HQ drops the list of the people who need help it holds of this roll-call, if any.
      writeNeedHelpList(store, id, now);
      appendAudit(store.db, {
        actor: 'system:retention',
        action: 'roll_call.answers_purged',
        entity: ROLL_CALL_ENTITY,
        entityId: id,
        afterDigest: digestRecord(store.keys.audit, counts),
        at,
      });
    }
    store.db
      .prepare('DELETE FROM roll_call_inbound WHERE roll_call_id IS NULL AND received_at < ?')
      .run(closedBefore);
    return ids.length;
  });
}
