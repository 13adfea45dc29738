import { AUDIT_GENESIS_HASH, type AuditCheckpoint, auditChainHashes } from '../../protocol/index.js';
import type { Queryable } from '../db/database.js';

/**
 * What a mission's audit head shows of its chain, when it is not a plain extension of the heads
 * the hub holds (the `anomaly` of audit_checkpoints; hub migration 017 lists them):
 * - `head_changed`: another hash at a length the hub holds;
 * - `chain_shortened`: shorter than a head the hub holds;
 * - `unknown_base`: proven from a head the hub never received;
 * - `chain_rewritten`: the digests do not lead from the head the hub holds to the head reported,
 *   or not through the heads the hub holds on the way: entries were changed and the chain rehashed;
 * - `proof_missing`: no proof, past a length from which the mission proved its chain before.
 */
export type AuditAnomaly =
  | 'head_changed'
  | 'chain_shortened'
  | 'unknown_base'
  | 'chain_rewritten'
  | 'proof_missing';

/** How the hub takes a head: whether proven to extend one it holds, and what it shows. */
export interface CheckpointVerdict {
  readonly anomaly: AuditAnomaly | null;
  /** The digests led from a head the hub holds to this one. */
  readonly verified: boolean;
  /** The length it was proven from, when verified. */
  readonly sinceLength: number | null;
}

interface HeldHead {
  length: number;
  head_hash: string;
  anomaly: AuditAnomaly | null;
}

/**
 * Judges a new head against the heads the hub holds for the mission (PROTOCOL.md, "The audit log
 * anchored at HQ"). Only the first anomaly found is kept, one per head; the heads a mission sends
 * after an anomalous one are checked against it, so a rewrite is flagged once, where it shows.
 */
export async function judgeCheckpoint(
  tx: Queryable,
  missionId: string,
  body: AuditCheckpoint,
): Promise<CheckpointVerdict> {
  const held = await headsFrom(tx, missionId, body.since?.length ?? body.length);
  const unverified = (anomaly: AuditAnomaly | null): CheckpointVerdict => ({
    anomaly,
    verified: false,
    sinceLength: null,
  });
  if (held.some((h) => h.length === body.length && h.head_hash !== body.headHash)) {
    return unverified('head_changed');
  }
  if (held.some((h) => h.length > body.length)) return unverified('chain_shortened');
  if (body.since === undefined || body.digests === undefined) {
    return unverified((await provenBelow(tx, missionId, body.length)) ? 'proof_missing' : null);
  }
  const { since, digests } = body;
  const isGenesis = since.length === 0 && since.headHash === AUDIT_GENESIS_HASH;
  if (!isGenesis && !held.some((h) => h.length === since.length && h.head_hash === since.headHash)) {
    return unverified('unknown_base');
  }
  const hashes = auditChainHashes(since.headHash, digests);
  const hashAt = (length: number) =>
    length === since.length ? since.headHash : hashes[length - since.length - 1];
  // Heads flagged before are what the mission claimed, not what the hub trusts: not checked against.
  const passesTrusted = held
    .filter((h) => h.anomaly === null && h.length > since.length && h.length <= body.length)
    .every((h) => hashAt(h.length) === h.head_hash);
  if (hashAt(body.length) !== body.headHash || !passesTrusted) return unverified('chain_rewritten');
  return { anomaly: null, verified: true, sinceLength: since.length };
}

/** Audit heads flagged, by mission and kind, for /metrics. */
export async function auditAnomalyCounts(
  db: Queryable,
): Promise<{ missionId: string; anomaly: AuditAnomaly; count: number }[]> {
  const rows = await db.query<{ mission_id: string; anomaly: AuditAnomaly; n: string | number }>(
    `SELECT mission_id, anomaly, count(*) AS n FROM audit_checkpoints
      WHERE anomaly IS NOT NULL GROUP BY mission_id, anomaly ORDER BY mission_id, anomaly`,
  );
  return rows.map((row) => ({ missionId: row.mission_id, anomaly: row.anomaly, count: Number(row.n) }));
}

/**
 * The heads held from a length on: every rule looks at or after the base (or the head, without
 * one), and an honest mission's base is the newest head, so this is a row or two.
 */
function headsFrom(tx: Queryable, missionId: string, length: number): Promise<HeldHead[]> {
  return tx.query<HeldHead>(
    `SELECT length, head_hash, anomaly FROM audit_checkpoints
      WHERE mission_id = $1 AND length >= $2 ORDER BY length`,
    [missionId, length],
  );
}

/**
 * True when the mission proved its chain from a length below this head's: every entry after that
 * length is of the hash version a digest proves (versions only go up), so an honest node has a
 * proof for this head too. Its entries were turned back to version 1, or the node to older code.
 */
async function provenBelow(tx: Queryable, missionId: string, length: number): Promise<boolean> {
  const [row] = await tx.query<{ proven: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM audit_checkpoints
                     WHERE mission_id = $1 AND verified AND since_length < $2) AS proven`,
    [missionId, length],
  );
  return row?.proven === true;
}
