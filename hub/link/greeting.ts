import { HELLO, WIRE_VERSION } from '../../protocol/index.js';
import type { Database } from '../db/database.js';
import { stampedReply } from '../ingest/channel-row.js';
import type { ControlReply } from '../ingest/ingest-types.js';
import { channelPositions } from '../services/channels/channel-positions.js';

/** The missions the hub greets when it connects: enrolled, not revoked, with a channel. */
export async function missionsToGreet(db: Database): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `SELECT m.id FROM missions m JOIN channels c ON c.mission_id = m.id
      WHERE m.revoked_at IS NULL ORDER BY m.id`,
  );
  return rows.map((row) => row.id);
}

/** True when some hub process took the mission's hello after `since`. */
export async function hasGreetedSince(db: Database, missionId: string, since: Date): Promise<boolean> {
  const [row] = await db.query<{ greeted: boolean }>(
    'SELECT coalesce(last_hello_at >= $2, false) AS greeted FROM channels WHERE mission_id = $1',
    [missionId, since],
  );
  return row?.greeted === true;
}

/**
 * The hub's hello to a mission: both positions of its channel and how many envelopes wait for its
 * acknowledgement, stamped under the channel's lock like every control message the hub sends.
 */
export function hubHello(db: Database, missionId: string, softwareVersion: string): Promise<ControlReply> {
  return db.transaction(async (tx) => {
    const positions = await channelPositions(tx, missionId);
    const [waiting] = await tx.query<{ n: number | string }>(
      'SELECT count(*) AS n FROM outbound WHERE mission_id = $1 AND acked_at IS NULL',
      [missionId],
    );
    return stampedReply(tx, missionId, Date.now(), {
      type: HELLO,
      body: {
        softwareVersion,
        protocolVersion: WIRE_VERSION,
        backlog: { events: Number(waiting?.n ?? 0) },
        receivedUpTo: positions.appliedUpTo,
        sentUpTo: positions.sentUpTo,
        ackedUpTo: positions.ackedUpTo,
      },
    });
  });
}
