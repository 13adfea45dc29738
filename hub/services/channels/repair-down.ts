import { type Identity, isMessageType, type PublicIdentity } from '../../../protocol/index.js';
import type { Queryable } from '../../db/database.js';
import { sealAndHold } from '../outbound.js';
import { type ChannelPositions, recordResync } from './channel-positions.js';

/**
 * The mission has applied more of the down channel than this hub remembers sealing: the hub went
 * back in time (a dump restored). Its channel jumps to the mission's position, and whatever it
 * sealed at the sequences the mission already used is sealed again after them, from the bodies
 * kept in `outbound`. Nothing was published meanwhile (the hub waits for a mission's hello before
 * publishing to it), so the mission has seen none of these; what it did see again is applied by its
 * handlers once in effect (directive, catalogue version, submission and serial ids).
 * Returns how many messages were sealed again.
 */
export async function jumpDownChannel(
  tx: Queryable,
  context: {
    readonly missionId: string;
    readonly now: Date;
    readonly parties?: { readonly hub: Identity; readonly mission: PublicIdentity };
  },
  receivedUpTo: number,
  positions: ChannelPositions,
): Promise<number> {
  const { missionId, now, parties } = context;
  const reused = await tx.query<{ seq: number | string; type: string; body: unknown }>(
    `SELECT seq, type, body FROM outbound
      WHERE mission_id = $1 AND seq <= $2 AND acked_at IS NULL AND body IS NOT NULL ORDER BY seq`,
    [missionId, receivedUpTo],
  );
  await tx.query('UPDATE channels SET next_send_seq = $2 WHERE mission_id = $1', [
    missionId,
    receivedUpTo + 1,
  ]);
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
    restartedAt: receivedUpTo + 1,
    recovered: sealed,
  });
  return sealed;
}
