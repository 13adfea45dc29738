import { decodeHeader, type Hello, isMessageType } from '../../../protocol/index.js';
import type { Queryable } from '../../db/database.js';
import { sealAndHold } from '../outbound.js';
import { type ChannelContext, type ChannelPositions, recordResync } from './channel-positions.js';

/**
 * True when the mission's hello shows that this hub went back in time (a dump restored) on the down
 * channel: the mission applied more than the hub remembers sealing, or applied at its last position
 * another message than the one the hub holds there (the hub numbered a new message with a sequence
 * the mission had already used). An envelope pruned after its retention period proves nothing.
 */
export async function sentBehindMission(
  tx: Queryable,
  missionId: string,
  hello: Hello,
  positions: ChannelPositions,
): Promise<boolean> {
  if (hello.receivedUpTo > positions.sentUpTo) return true;
  if (hello.receivedLastId === undefined || hello.receivedUpTo === 0) return false;
  const [row] = await tx.query<{ envelope: Uint8Array }>(
    'SELECT envelope FROM outbound WHERE mission_id = $1 AND seq = $2',
    [missionId, hello.receivedUpTo],
  );
  if (!row) return false;
  const header = decodeHeader(row.envelope);
  return header.ok && header.header.messageId !== hello.receivedLastId;
}

/**
 * The hub went back in time on the down channel ({@link sentBehindMission}). Its channel jumps past
 * the mission's position, and whatever it sealed at the sequences the mission already used is
 * sealed again after them, from the bodies kept in `outbound`. Nothing was published meanwhile (the hub waits for a mission's hello before
 * publishing to it), so the mission has seen none of these; what it did see again is applied by its
 * handlers once in effect (directive, catalogue version, submission and serial ids).
 * Returns how many messages were sealed again.
 */
export async function jumpDownChannel(
  tx: Queryable,
  context: ChannelContext,
  receivedUpTo: number,
  positions: ChannelPositions,
): Promise<number> {
  const { missionId, now, parties } = context;
  const reused = await tx.query<{ seq: number | string; type: string; body: unknown }>(
    `SELECT seq, type, body FROM outbound
      WHERE mission_id = $1 AND seq <= $2 AND acked_at IS NULL AND body IS NOT NULL ORDER BY seq`,
    [missionId, receivedUpTo],
  );
  // Past the mission's position, and past anything this hub numbered after it (still unseen there).
  const [moved] = await tx.query<{ next: number | string }>(
    `UPDATE channels SET next_send_seq = GREATEST(next_send_seq, $2) WHERE mission_id = $1
      RETURNING next_send_seq AS next`,
    [missionId, receivedUpTo + 1],
  );
  // The reused rows are superseded by their new copies: kept for the record, never sent again.
  await tx.query(
    'UPDATE outbound SET acked_at = $3 WHERE mission_id = $1 AND seq <= $2 AND acked_at IS NULL',
    [missionId, receivedUpTo, now],
  );
  let sealed = 0;
  for (const row of reused) {
    if (!parties || !isMessageType(row.type)) continue;
    const body = typeof row.body === 'string' ? JSON.parse(row.body) : row.body;
    await sealAndHold(tx, parties.hub, parties.mission, row.type, body as never, now.getTime());
    sealed += 1;
  }
  await recordResync(tx, missionId, now, {
    kind: 'hub_behind_sent',
    missionPosition: receivedUpTo,
    hubPosition: positions.sentUpTo,
    restartedAt: Number(moved?.next ?? receivedUpTo + 1),
    recovered: sealed,
  });
  return sealed;
}
