import type { Identity, PublicIdentity } from '../../../protocol/index.js';
import type { Queryable } from '../../db/database.js';

/** Whose channel, when, and the keys to seal what goes back down (absent: nothing is sealed). */
export interface ChannelContext {
  readonly missionId: string;
  readonly now: Date;
  /** When the mission sealed the message being handled (its clock). */
  readonly sealedAt?: number;
  readonly parties?: { readonly hub: Identity; readonly mission: PublicIdentity };
}

/** Where one mission's channel stands at the hub, both directions, read under the channel's lock. */
export interface ChannelPositions {
  /** Up: the last sequence applied from the mission, and the highest dropped as a gap. */
  readonly appliedUpTo: number;
  readonly gapSeenUpTo: number;
  /** Up: while a resync is under way, the sequence the mission must start again from. */
  readonly resyncFrom: number | null;
  /** Up: when the mission sealed the envelope applied last (its clock). */
  readonly appliedSealedAt: number;
  /** Down: the last sequence the hub sealed, and the highest the mission acknowledged. */
  readonly sentUpTo: number;
  readonly ackedUpTo: number;
}

/** Reads a mission's channel positions; call inside the transaction that locked the row. */
export async function channelPositions(tx: Queryable, missionId: string): Promise<ChannelPositions> {
  const [row] = await tx.query<Record<keyof ChannelPositions, string | number | null>>(
    `SELECT applied_up_to AS "appliedUpTo", gap_seen_up_to AS "gapSeenUpTo", resync_from AS "resyncFrom",
            applied_sealed_at AS "appliedSealedAt",
            next_send_seq - 1 AS "sentUpTo",
            -- Acknowledgements are cumulative: everything before the first envelope still waiting
            -- (or everything sealed) is acknowledged, pruned or not.
            coalesce((SELECT min(seq) FROM outbound WHERE mission_id = $1 AND acked_at IS NULL), next_send_seq) - 1
              AS "ackedUpTo"
       FROM channels WHERE mission_id = $1`,
    [missionId],
  );
  if (!row) throw new TypeError(`no channel for mission ${missionId}`);
  // pg reads bigint as text, PGlite as a number.
  return {
    appliedUpTo: Number(row.appliedUpTo),
    gapSeenUpTo: Number(row.gapSeenUpTo),
    resyncFrom: row.resyncFrom === null ? null : Number(row.resyncFrom),
    appliedSealedAt: Number(row.appliedSealedAt),
    sentUpTo: Number(row.sentUpTo),
    ackedUpTo: Number(row.ackedUpTo),
  };
}

/** What a resync found and did, for the log of resyncs (hub migration 009). */
export interface ResyncRecord {
  readonly kind: 'node_behind' | 'hub_behind_sent' | 'hub_behind_applied' | 'node_behind_applied';
  readonly missionPosition: number;
  readonly hubPosition: number;
  readonly restartedAt?: number;
  readonly recovered: number;
}

/** Records a resync in the transaction that made it. */
export async function recordResync(
  tx: Queryable,
  missionId: string,
  at: Date,
  record: ResyncRecord,
): Promise<void> {
  await tx.query(
    `INSERT INTO channel_resyncs
       (mission_id, detected_at, kind, mission_position, hub_position, restarted_at, recovered)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      missionId,
      at,
      record.kind,
      record.missionPosition,
      record.hubPosition,
      record.restartedAt ?? null,
      record.recovered,
    ],
  );
}
