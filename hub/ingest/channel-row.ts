import {
  ACK,
  type ChannelDecision,
  type Header,
  RESEND_REQUEST,
  type ReceiveState,
} from '../../protocol/index.js';
import type { Queryable } from '../db/database.js';
import type { ControlMessage, ControlReply } from './ingest-types.js';

/** The receive state of one mission → hub channel, as stored. */
export interface ChannelRow {
  readonly missionId: string;
  readonly appliedUpTo: number;
  readonly lastControlAt: number;
  /** The highest sequence dropped as ahead of the channel (a gap), 0 if none. */
  readonly gapSeenUpTo: number;
  /** While a resync is under way, the sequence the mission must start again from. */
  readonly resyncFrom: number | null;
}

const SELECT_FOR_UPDATE = `SELECT mission_id AS "missionId", applied_up_to AS "appliedUpTo",
  last_control_at AS "lastControlAt", gap_seen_up_to AS "gapSeenUpTo", resync_from AS "resyncFrom"
  FROM channels WHERE mission_id = $1 FOR UPDATE`;

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
  if (row || !isKnownSender) return row && normalised(row);
  await tx.query(
    `INSERT INTO channels (mission_id) SELECT id FROM missions WHERE id = $1
     ON CONFLICT (mission_id) DO NOTHING`,
    [header.from],
  );
  const [created] = await tx.query<ChannelRow>(SELECT_FOR_UPDATE, [header.from]);
  return created && normalised(created);
}

// pg reads bigint as text; PGlite as a number.
function normalised(row: ChannelRow): ChannelRow {
  return { ...row, resyncFrom: row.resyncFrom === null ? null : Number(row.resyncFrom) };
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

/** Records a decision on the channel, in the applying transaction (the mission's contact: mission-contact.ts). */
export async function advanceChannel(
  tx: Queryable,
  missionId: string,
  decision: ChannelDecision,
  now: Date,
  sealedAt = 0,
): Promise<void> {
  if (decision.action === 'apply') {
    // Taking the sequence a resync asked for ends the resync.
    await tx.query(
      `UPDATE channels SET applied_up_to = $2, updated_at = $3, applied_sealed_at = $4,
         resync_from = CASE WHEN resync_from <= $2 THEN NULL ELSE resync_from END
       WHERE mission_id = $1`,
      [missionId, decision.advanceTo, now, sealedAt],
    );
  } else if (decision.action === 'control') {
    await tx.query(
      `UPDATE channels SET last_control_at = GREATEST(last_control_at, $2), updated_at = $3
        WHERE mission_id = $1`,
      [missionId, decision.takenAt, now],
    );
  }
}

/** Remembers, in the transaction that dropped it, that a sequence arrived ahead of the channel. */
export async function recordGap(tx: Queryable, missionId: string, seq: number): Promise<void> {
  await tx.query('UPDATE channels SET gap_seen_up_to = GREATEST(gap_seen_up_to, $2) WHERE mission_id = $1', [
    missionId,
    seq,
  ]);
}

/**
 * What the hub answers once the channel stands at `appliedUpTo`: an ack, or, when a later sequence
 * was dropped as a gap, a resend request from the next one (which acknowledges the rest too: a
 * receiver only ever asks from its applied position + 1). With one worker the gap's own request
 * already did that; with two sharing the ingest, the mission may have dropped that request as older
 * than this answer, and without asking again here it would wait for its resend timer.
 */
export function positionReply(
  tx: Queryable,
  channel: ChannelRow,
  appliedUpTo: number,
  now: number,
): Promise<ControlReply> {
  return stampedReply(
    tx,
    channel.missionId,
    now,
    channel.gapSeenUpTo > appliedUpTo
      ? { type: RESEND_REQUEST, body: { from: appliedUpTo + 1 } }
      : { type: ACK, body: { upTo: appliedUpTo } },
  );
}

/**
 * Gives a reply its timestamp while the channel row is locked. A mission keeps only a control
 * message newer than the last it took (protocol/channel.ts); stamped here, in the order the
 * channel's states follow one another, the newest reply is also the one that reports the most,
 * whichever hub worker sent it and whichever reaches the mission first. Strictly increasing, kept
 * in the row, so it holds across hub restarts and between hub processes.
 */
export async function stampedReply(
  tx: Queryable,
  missionId: string,
  now: number,
  reply: ControlMessage,
): Promise<ControlReply> {
  const [row] = await tx.query<{ at: string | number }>(
    `UPDATE channels SET last_control_sent_at = GREATEST(last_control_sent_at + 1, $2)
      WHERE mission_id = $1 RETURNING last_control_sent_at AS at`,
    [missionId, now],
  );
  return { ...reply, timestamp: row ? Number(row.at) : now };
}

/**
 * Thrown inside the ingest transaction when this process no longer holds the mission's ingest
 * lease (hub/link/lease-keeper.ts): another process took the channel over, so nothing is applied
 * or answered here; the mission sends it again to the holder.
 */
export class IngestLeaseLost extends Error {
  constructor(readonly missionId: string) {
    super(`the ingest lease of ${missionId} is held by another hub process`);
    this.name = 'IngestLeaseLost';
  }
}

/**
 * Checks, and locks until the transaction ends, that `holder` still holds the mission's lease.
 * A process that lost it while paused cannot apply; one that claims it waits for this transaction
 * to end. Taken before the channel row: every path locks lease then channel, never the reverse.
 */
export async function lockIngestLease(tx: Queryable, missionId: string, holder: string): Promise<void> {
  const [row] = await tx.query<{ holder: string }>(
    'SELECT holder FROM ingest_leases WHERE mission_id = $1 FOR UPDATE',
    [missionId],
  );
  if (row?.holder !== holder) throw new IngestLeaseLost(missionId);
}
