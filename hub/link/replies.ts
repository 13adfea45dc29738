import { type Identity, type PublicIdentity, seal } from '../../protocol/index.js';
import type { Queryable } from '../db/database.js';
import type { ControlReply } from '../ingest/ingest-types.js';

/**
 * A strictly increasing timestamp for the next control message to a mission (protocol/channel.ts:
 * a receiver drops a control message not newer than the last), kept in the channel row so it
 * holds across hub restarts and between hub processes.
 */
export async function nextControlTimestamp(db: Queryable, missionId: string, now: number): Promise<number> {
  const [row] = await db.query<{ at: number }>(
    `UPDATE channels SET last_control_sent_at = GREATEST(last_control_sent_at + 1, $2)
      WHERE mission_id = $1 RETURNING last_control_sent_at AS at`,
    [missionId, now],
  );
  return row?.at ?? now;
}

/** Seals an ack or resend request for a mission. */
export async function sealReply(
  db: Queryable,
  hub: Identity,
  mission: PublicIdentity,
  reply: ControlReply,
  now: number,
): Promise<Uint8Array> {
  const timestamp = await nextControlTimestamp(db, mission.partyId, now);
  const common = { sender: hub, recipient: mission, seq: 0, timestamp };
  return reply.type === 'ack'
    ? seal({ ...common, type: reply.type, body: reply.body })
    : seal({ ...common, type: reply.type, body: reply.body });
}
