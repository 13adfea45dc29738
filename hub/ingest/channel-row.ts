import type { ChannelDecision, Header, ReceiveState } from '../../protocol/index.js';
import type { Queryable } from '../db/database.js';

/** The receive state of one mission → hub channel, as stored. */
export interface ChannelRow {
  readonly missionId: string;
  readonly appliedUpTo: number;
  readonly lastControlAt: number;
}

const SELECT_FOR_UPDATE = `SELECT mission_id AS "missionId", applied_up_to AS "appliedUpTo",
  last_control_at AS "lastControlAt" FROM channels WHERE mission_id = $1 FOR UPDATE`;

/**
 * Locks a channel row for the rest of the transaction, so that two ingest workers holding the same
 * envelope take turns and the second sees the first's advance. A mission known to the trust store
 * whose row is missing gets one; an unknown sender gets none, and open() refuses it.
 */
export async function lockChannel(
  tx: Queryable,
  header: Header,
  isKnownSender: boolean,
): Promise<ChannelRow | undefined> {
  const [row] = await tx.query<ChannelRow>(SELECT_FOR_UPDATE, [header.from]);
  if (row || !isKnownSender) return row;
  await tx.query(
    `INSERT INTO channels (mission_id) SELECT id FROM missions WHERE id = $1
     ON CONFLICT (mission_id) DO NOTHING`,
    [header.from],
  );
  const [created] = await tx.query<ChannelRow>(SELECT_FOR_UPDATE, [header.from]);
  return created;
}

/**
 * The synchronous view open() consults, built from the locked row. It answers for the row's
 * mission only; any other sender has never been applied.
 */
export function receiveStateOf(row: ChannelRow | undefined): ReceiveState {
  return {
    appliedUpTo: (from) => (row && from === row.missionId ? row.appliedUpTo : 0),
    lastControlAt: (from) => (row && from === row.missionId ? row.lastControlAt : 0),
  };
}

/** Records a decision on the channel and the mission's last contact, in the applying transaction. */
export async function advanceChannel(
  tx: Queryable,
  missionId: string,
  decision: ChannelDecision,
  now: Date,
): Promise<void> {
  if (decision.action === 'apply') {
    await tx.query('UPDATE channels SET applied_up_to = $2, updated_at = $3 WHERE mission_id = $1', [
      missionId,
      decision.advanceTo,
      now,
    ]);
  } else if (decision.action === 'control') {
    await tx.query(
      `UPDATE channels SET last_control_at = GREATEST(last_control_at, $2), updated_at = $3
        WHERE mission_id = $1`,
      [missionId, decision.takenAt, now],
    );
  }
  await tx.query('UPDATE missions SET last_seen_at = GREATEST(last_seen_at, $2::timestamptz) WHERE id = $1', [
    missionId,
    now,
  ]);
}
