import { type RollCallCountsData, RollCallEvents } from '../../../protocol/index.js';
import type { Store } from '../../db/store.js';
import { immediateTransaction } from '../../db/transaction.js';
import { closeDueRollCalls } from './roll-call-close.js';
import { loadRollCall } from './roll-call-counts.js';
import { writeNeedHelpList } from './roll-call-need-help.js';
import { replaceUnsealedEvent, UNSEALED_ROLL_CALL_EVENT } from './roll-call-outbox.js';
import { ROLL_CALL_ENTITY } from './roll-call-start.js';

/**
 * Writes where a roll-call stands to the outbox, for the hub (`roll_call.counts`, PROTOCOL.md
 * "Crisis roll-calls"): counts only, nothing personal. Call it inside a transaction.
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
  const at = now.toISOString();
  replaceUnsealedEvent(store, RollCallEvents.Counts, rollCallId, countsData(store, rollCallId, at), at);
  // The list of the people who need help changes with the counts, and is written only where the
  // ministry asked for it and the consul approved (roll-call-need-help.ts).
  writeNeedHelpList(store, rollCallId, now);
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
 * At most one full recount of an open roll-call per this delay. Counting reads every person of
 * the roll-call (some milliseconds for 10,000): done for each of 500 answers a second, it would
 * cost more than the answers. An answer that finds the roll-call's counts event written less than
 * this ago, and not yet sealed, leaves the recount to a timer; the link, which seals at its own
 * pace, then takes counts at most this much behind, and HQ gets the last ones once the burst ends.
 */
export const RECOUNT_AFTER_MS = 1000;

/** Recounts owed, per connection: roll-calls answered since their counts event was last written. */
interface Owed {
  readonly ids: Set<string>;
  now: () => Date;
  timer: NodeJS.Timeout | undefined;
  /** Whether the job has recounted every open roll-call since the process started. */
  swept: boolean;
}
const owedByDb = new WeakMap<Store['db'], Owed>();

function owedOf(store: Store, now: () => Date): Owed {
  let owed = owedByDb.get(store.db);
  if (owed === undefined) {
    owed = { ids: new Set(), now, timer: undefined, swept: false };
    owedByDb.set(store.db, owed);
  }
  return owed;
}

/**
 * The counts of a roll-call changed (inside the change's transaction): written now, or owed to
 * the timer when an unsealed counts event of the open roll-call is younger than
 * {@link RECOUNT_AFTER_MS}. A start and a close always write (no event yet, or the state changed).
 */
export function noteCountsChanged(store: Store, rollCallId: string, now: () => Date): void {
  const at = now();
  const writtenAt = store.db
    .prepare(`SELECT at FROM outbox WHERE ${UNSEALED_ROLL_CALL_EVENT} ORDER BY seq DESC LIMIT 1`)
    .pluck()
    .get(RollCallEvents.Counts, ROLL_CALL_ENTITY, rollCallId) as string | undefined;
  const isOpen =
    store.db.prepare('SELECT state FROM roll_calls WHERE id = ?').pluck().get(rollCallId) === 'open';
  if (writtenAt !== undefined && isOpen && at.getTime() - Date.parse(writtenAt) < RECOUNT_AFTER_MS) {
    owe(store, rollCallId, now);
    return;
  }
  writeRollCallCounts(store, rollCallId, at);
}

function owe(store: Store, rollCallId: string, now: () => Date): void {
  const owed = owedOf(store, now);
  owed.ids.add(rollCallId);
  owed.now = now;
  if (owed.timer !== undefined) return;
  owed.timer = setTimeout(() => {
    owed.timer = undefined;
    try {
      payOwedCounts(store);
    } catch {
      // The store may be closing, or busy: what is still owed waits for the next change or the close job.
    }
  }, RECOUNT_AFTER_MS);
  owed.timer.unref();
}

/** Writes the counts owed to the timer now, each roll-call once; how many. */
export function payOwedCounts(store: Store): number {
  const owed = owedByDb.get(store.db);
  if (owed === undefined || owed.ids.size === 0 || !store.db.open) return 0;
  const ids = [...owed.ids];
  const at = owed.now();
  immediateTransaction(store.db, () => {
    for (const id of ids) writeRollCallCounts(store, id, at);
  });
  // Forgotten once written only: a failed write stays owed to the next timer or the close job.
  for (const id of ids) owed.ids.delete(id);
  return ids.length;
}

/**
 * Runs a change of roll-calls and notes the counts of the roll-call it changed (`changedOf` of
 * its result; null when it changed none) in the same transaction ({@link noteCountsChanged}).
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
    if (changed) noteCountsChanged(store, changed, now);
    return result;
  });
}

/**
 * The close job (every minute): the roll-calls whose end has come closed, each with its counts for
 * the hub; the counts owed to the timer written; and, on its first run in the process, the counts
 * of every open roll-call, for those a crash left owed.
 */
export function closeDueRollCallsWithCounts(store: Store, now: Date): string[] {
  const owed = owedOf(store, () => now);
  const closed = immediateTransaction(store.db, () => {
    const due = closeDueRollCalls(store, now);
    for (const id of due) writeRollCallCounts(store, id, now);
    if (!owed.swept) {
      const open = store.db
        .prepare(`SELECT id FROM roll_calls WHERE state = 'open'`)
        .pluck()
        .all() as string[];
      for (const id of open) writeRollCallCounts(store, id, now);
      owed.swept = true;
    }
    return due;
  });
  payOwedCounts(store);
  return closed;
}
