import type { EventsRecovered } from '../../../protocol/index.js';
import { type CopiedRecord, openRecordCopies } from '../../services/recovery/record-copies.js';
import { keepRecoveredEvents } from '../../services/recovery/recovered-events.js';
import { restoreRecords } from '../../services/recovery/restore-records.js';
import type { LinkContext } from '../link-context.js';

/**
 * Takes the events the hub returned after a resync: the records they changed are put back from the
 * mission's own sealed copies, then each event is kept with what became of its record, for the
 * staff (PROTOCOL.md, "Going back in time"). In the receiving transaction: a crash leaves all or
 * nothing, and the hub sends the envelope again.
 */
export function applyEventsRecovered(ctx: Pick<LinkContext, 'store' | 'now'>, body: EventsRecovered): void {
  const now = new Date(ctx.now());
  const copies: CopiedRecord[] = [];
  for (const sealed of body.records ?? []) {
    try {
      copies.push(...openRecordCopies(ctx.store, sealed));
    } catch {
      // Not sealed with this mission's key (it was restored with another data key), or damaged:
      // its events come back without records, for an agent to re-enter.
    }
  }
  const outcomes = restoreRecords(ctx.store, copies, now);
  keepRecoveredEvents(ctx.store, body.events, now.toISOString(), outcomes);
}
