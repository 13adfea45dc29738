import type { EVENTS_BATCH } from '../../../protocol/index.js';
import { applyRollCallNeedHelp } from '../../services/roll-calls/record-need-help.js';
import { countUnreadEvents, unreadEvents } from '../event-data-check.js';
import type { Handler } from './handler.js';
import { applyRollCallCounts } from './roll-call-counts.js';
import { applyVisaEvents } from './visa-events.js';

/**
 * events.batch → replicas, in one statement however large the batch: the rows are expanded from
 * one JSON parameter by the server. An event already held (same id) is left as it is. The batch's
 * sealed record copies, when it has them, are kept for a restore (services/channels/resync-up.ts).
 */
export const handleEventsBatch: Handler<typeof EVENTS_BATCH> = async (tx, body, { missionId, seq, now }) => {
  // The envelope's sequence goes with each event: a mission restored from a backup gets back the
  // events of the envelopes it no longer remembers sending (services/channels/resync-up.ts).
  await tx.query(
    `INSERT INTO mission_events (event_id, mission_id, kind, entity, entity_id, at, data, channel_seq)
     SELECT e.id, $1::text, e.kind, e.entity, e."entityId", e.at, e.data, $3::bigint
       FROM jsonb_to_recordset($2::jsonb)
         AS e(id uuid, kind text, entity text, "entityId" text, at timestamptz, data jsonb)
     ON CONFLICT (event_id) DO NOTHING`,
    [missionId, JSON.stringify(body.events), seq ?? null],
  );
  // What the mission's roll-calls stand at: the newest counts of each (PROTOCOL.md, "Crisis roll-calls").
  await applyRollCallCounts(tx, missionId, body.events, now);
  // The list of the people who need help, where the ministry asked and the consul approved.
  await applyRollCallNeedHelp(tx, missionId, body.events, now);
  // Visas requested and decided, per application (PROTOCOL.md, "Visa statistics").
  await applyVisaEvents(tx, missionId, body.events, now);
  // The list of the people who need help, where the ministry asked and the consul approved.
  await applyRollCallNeedHelp(tx, missionId, body.events, now);
  // Kept as they came, read through protocol's schemas: what does not match is counted, not refused.
  const unread = unreadEvents(body.events);
  if (unread.length > 0) await countUnreadEvents(tx, missionId, unread, now);
  // The mission's sealed copy of the records these events changed: kept as it came, unread.
  if (body.records !== undefined && seq !== undefined) {
    await tx.query(
      `INSERT INTO mission_record_copies (mission_id, channel_seq, sealed) VALUES ($1, $2, $3)
       ON CONFLICT (mission_id, channel_seq) DO NOTHING`,
      [missionId, seq, body.records],
    );
  }
  return undefined;
};
