import type { AUDIT_CHECKPOINT } from '../../../protocol/index.js';
import type { Handler } from './handler.js';

/**
 * audit.checkpoint → the head of the mission's audit chain. An append-only chain only grows and
 * never changes a position it already reported: a shorter chain, or another hash at a known
 * length, is recorded as an anomaly for HQ to see.
 */
export const handleAuditCheckpoint: Handler<typeof AUDIT_CHECKPOINT> = async (tx, body, { missionId }) => {
  await tx.query(
    `INSERT INTO audit_checkpoints (mission_id, length, head_hash, at, anomaly)
     SELECT $1::text, $2::bigint, $3::text, $4::timestamptz,
       CASE
         WHEN EXISTS (SELECT 1 FROM audit_checkpoints
                       WHERE mission_id = $1::text AND length = $2::bigint AND head_hash <> $3::text)
           THEN 'head_changed'
         WHEN EXISTS (SELECT 1 FROM audit_checkpoints WHERE mission_id = $1::text AND length > $2::bigint)
           THEN 'chain_shortened'
       END
     ON CONFLICT (mission_id, length, head_hash) DO NOTHING`,
    [missionId, body.length, body.headHash, body.at],
  );
  return undefined;
};
