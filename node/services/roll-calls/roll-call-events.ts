import { type RollCallCountsData, RollCallEvents } from '../../../protocol/index.js';
import type { Store } from '../../db/store.js';
import { immediateTransaction } from '../../db/transaction.js';
import { appendEvent, newEvent } from '../outbox/outbox.js';
import { closeDueRollCalls } from './roll-call-close.js';
import { loadRollCall } from './roll-call-counts.js';
import { ROLL_CALL_ENTITY } from './roll-call-start.js';

/**
 * Writes where a roll-call stands to the outbox, for the hub (`roll_call.counts`, PROTOCOL.md
 * "Crisis roll-calls"): counts only, nothing personal. Call it inside the transaction of the change.
 *
 * Coalesced: the roll-call's counts event not yet sealed into an envelope is replaced, so a
 * roll-call has at most one waiting in the outbox. 10,000 answers in a burst, or during a week
 * offline, send one event with the latest counts rather than 10,000 the hub would read only to
 * keep the last; while the link is up, the hub still sees one per drain. An event already sealed
 * is never touched: the envelope holding it is kept byte for byte until acknowledged. The link
 * seals in one transaction (read the outbox, move `sealed_outbox_seq`), and so does this, so the
 * two never see each other half done.
 */
export function writeRollCallCounts(store: Store, rollCallId: string, now: Date): void {
  store.db
    .prepare(
      `DELETE FROM outbox WHERE kind = ? AND entity = ? AND entity_id = ? AND delivered_at IS NULL
         AND seq > (SELECT coalesce(max(sealed_outbox_seq), 0) FROM link_channel)`,
    )
    .run(RollCallEvents.Counts, ROLL_CALL_ENTITY, rollCallId);
  const at = now.toISOString();
  appendEvent(
    store,
    newEvent({
      kind: RollCallEvents.Counts,
      entity: ROLL_CALL_ENTITY,
      entityId: rollCallId,
      at,
      data: countsData(store, rollCallId, at),
    }),
  );
}

function countsData(store: Store, rollCallId: string, countedAt: string): RollCallCountsData {
  const rollCall = loadRollCall(store, rollCallId);
  const { people, reached, safe, needHelp, notInZone, noAnswer } = rollCall.counts;
  return {
    title: rollCall.title,
    directiveId: rollCall.directiveId,
    state: rollCall.state,
    startedAt: rollCall.startedAt,
    endsAt: rollCall.endsAt,
    closedAt: rollCall.closedAt,
    countedAt,
    people,
    reached,
    safe,
    needHelp,
    notInZone,
    noAnswer,
  };
}

/**
 * Runs a change of roll-calls and writes the counts of the roll-call it changed (`changedOf` of its
 * result; null when it changed none) in the same transaction.
 */
export function withCounts<T>(
  store: Store,
  now: () => Date,
  change: () => T,
  changedOf: (result: T) => string | null | undefined,
): T {
  return immediateTransaction(store.db, () => {
    const result = change();
    const changed = changedOf(result);
    if (changed) writeRollCallCounts(store, changed, now());
    return result;
  });
}

/** The close job: the roll-calls whose end has come closed, each with its counts for the hub. */
export function closeDueRollCallsWithCounts(store: Store, now: Date): string[] {
  return immediateTransaction(store.db, () => {
    const closed = closeDueRollCalls(store, now);
    for (const id of closed) writeRollCallCounts(store, id, now);
    return closed;
  });
}
