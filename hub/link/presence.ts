import { PRESENCE_ONLINE } from '../../protocol/index.js';
import type { Queryable } from '../db/database.js';

/**
 * Records a mission's retained presence. Presence is not signed (PROTOCOL.md, threat model): it
 * only drives the online flag of the status page, never anything a mission's data depends on.
 *
 * Online is whichever is newer of the presence and the last message taken from the mission
 * (ingest/mission-contact.ts writes the other half): a message after an `offline` presence means
 * the mission is back; an `offline` presence after the last message means it is gone. A presence
 * older than the one recorded (two hub processes racing) changes nothing.
 */
export async function recordPresence(
  db: Queryable,
  missionId: string,
  payload: string,
  at: Date,
): Promise<void> {
  const online = payload === PRESENCE_ONLINE;
  await db.query(
    `UPDATE missions SET presence_online = $2, presence_at = $3,
       online = CASE WHEN message_received_at > $3 THEN true ELSE $2 END
      WHERE id = $1 AND (presence_at IS NULL OR presence_at <= $3)`,
    [missionId, online, at],
  );
}
