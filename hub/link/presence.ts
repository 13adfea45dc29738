import { PRESENCE_ONLINE } from '../../protocol/index.js';
import type { Queryable } from '../db/database.js';

/**
 * Records a mission's retained presence. Presence is not signed (PROTOCOL.md, threat model): it
 * only drives the online flag of the status page, never anything a mission's data depends on.
 */
export async function recordPresence(
  db: Queryable,
  missionId: string,
  payload: string,
  at: Date,
): Promise<void> {
  const online = payload === PRESENCE_ONLINE;
  await db.query(
    `UPDATE missions SET online = $2, last_seen_at = CASE WHEN $2 THEN $3 ELSE last_seen_at END
      WHERE id = $1`,
    [missionId, online, at],
  );
}
