import {
  type MissionEvent,
  RollCallEvents,
  type RollCallNeedHelpPerson,
  rollCallNeedHelpDataSchema,
} from '../../../protocol/index.js';
import type { Queryable } from '../../db/database.js';

/**
 * The `roll_call.need_help` events of a batch → roll_call_need_help, per mission and roll-call: the
 * list with the newest `listedAt` stands (a tie goes to the later event); a withdrawal empties it
 * until the consul approves again, a purge for good. Kept only for a directive that asked for the list and was sent to this
 * mission: a list the ministry did not ask for is not kept. Whatever the event held, its replica in
 * mission_events keeps no one: the people live in roll_call_need_help alone, which the withdrawal
 * and the purge empty.
 */
export async function applyRollCallNeedHelp(
  tx: Queryable,
  missionId: string,
  events: readonly MissionEvent[],
  now: Date,
): Promise<void> {
  for (const event of events) {
    if (event.kind !== RollCallEvents.NeedHelp) continue;
    await tx.query(
      `UPDATE mission_events SET data = data || '{"people": []}'::jsonb
        WHERE event_id = $1::uuid AND mission_id = $2 AND jsonb_typeof(data) = 'object'`,
      [event.id, missionId],
    );
    const parsed = rollCallNeedHelpDataSchema.safeParse(event.data);
    if (!parsed.success) continue;
    const data = parsed.data;
    const people: RollCallNeedHelpPerson[] = data.sharing === 'approved' ? data.people : [];
    // One statement per event, in order, as the counts (a batch may hold two lists of one roll-call).
    await tx.query(
      `INSERT INTO roll_call_need_help (mission_id, roll_call_id, directive_id, sharing, listed_at, people,
         event_id, updated_at)
       SELECT $1, $2, d.id, $4, $5, $6::jsonb, $7::uuid, $8
         FROM directives d JOIN directive_status s ON s.directive_id = d.id AND s.mission_id = $1
        WHERE d.id = $3::uuid AND (d.roll_call ->> 'needHelpList') = 'true'
       ON CONFLICT (mission_id, roll_call_id) DO UPDATE SET
         directive_id = EXCLUDED.directive_id, sharing = EXCLUDED.sharing, listed_at = EXCLUDED.listed_at,
         people = EXCLUDED.people, event_id = EXCLUDED.event_id, updated_at = EXCLUDED.updated_at
       WHERE roll_call_need_help.listed_at <= EXCLUDED.listed_at
         AND roll_call_need_help.event_id <> EXCLUDED.event_id
         AND roll_call_need_help.sharing <> 'purged'`,
      [
        missionId,
        event.entityId,
        data.directiveId,
        data.sharing,
        data.listedAt,
        JSON.stringify(people),
        event.id,
        now,
      ],
    );
  }
}
