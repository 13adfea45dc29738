import { type MissionEvent, RollCallEvents, rollCallCountsDataSchema } from '../../../protocol/index.js';
import type { Queryable } from '../../db/database.js';

/**
 * The `roll_call.counts` events of a batch → roll_call_counts, per mission and roll-call: the counts
 * with the newest `countedAt` stand (a tie goes to the later event, as the channel applies them in
 * order). An event applied again, or an older one sent again after a mission's restore, changes
 * nothing. Data that does not read as counts is left to the batch's unread-event count.
 */
export async function applyRollCallCounts(
  tx: Queryable,
  missionId: string,
  events: readonly MissionEvent[],
  now: Date,
): Promise<void> {
  for (const event of events) {
    if (event.kind !== RollCallEvents.Counts) continue;
    const parsed = rollCallCountsDataSchema.safeParse(event.data);
    if (!parsed.success) continue;
    const data = parsed.data;
    // One statement per event, in order: a batch may hold two counts of one roll-call (after a
    // resync), which one INSERT … ON CONFLICT DO UPDATE cannot apply to the same row.
    await tx.query(
      `INSERT INTO roll_call_counts (mission_id, roll_call_id, directive_id, title, state, started_at, ends_at,
         closed_at, counted_at, people, reached, safe, need_help, not_in_zone, no_answer, event_id, updated_at)
       VALUES ($1, $2, $3::uuid, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16::uuid, $17)
       ON CONFLICT (mission_id, roll_call_id) DO UPDATE SET
         directive_id = EXCLUDED.directive_id, title = EXCLUDED.title, state = EXCLUDED.state,
         started_at = EXCLUDED.started_at, ends_at = EXCLUDED.ends_at, closed_at = EXCLUDED.closed_at,
         counted_at = EXCLUDED.counted_at, people = EXCLUDED.people, reached = EXCLUDED.reached,
         safe = EXCLUDED.safe, need_help = EXCLUDED.need_help, not_in_zone = EXCLUDED.not_in_zone,
         no_answer = EXCLUDED.no_answer, event_id = EXCLUDED.event_id, updated_at = EXCLUDED.updated_at
       WHERE roll_call_counts.counted_at <= EXCLUDED.counted_at AND roll_call_counts.event_id <> EXCLUDED.event_id`,
      [
        missionId,
        event.entityId,
        data.directiveId,
        data.title,
        data.state,
        data.startedAt,
        data.endsAt,
        data.closedAt,
        data.countedAt,
        data.people,
        data.reached,
        data.safe,
        data.needHelp,
        data.notInZone,
        data.noAnswer,
        event.id,
        now,
      ],
    );
  }
}
