import type { AUDIT_CHECKPOINT } from '../../../protocol/index.js';
import { judgeCheckpoint } from '../audit-chain-check.js';
import type { Handler } from './handler.js';

/**
 * audit.checkpoint → the head of the mission's audit chain, judged against the heads the hub holds
 * (audit-chain-check.ts): proven to extend them, unverified (an older node), or an anomaly for HQ
 * to see. The same head sent twice is kept once, as first judged.
 */
export const handleAuditCheckpoint: Handler<typeof AUDIT_CHECKPOINT> = async (tx, body, { missionId }) => {
  const verdict = await judgeCheckpoint(tx, missionId, body);
  await tx.query(
    `INSERT INTO audit_checkpoints (mission_id, length, head_hash, at, anomaly, verified, since_length)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (mission_id, length, head_hash) DO NOTHING`,
    [missionId, body.length, body.headHash, body.at, verdict.anomaly, verdict.verified, verdict.sinceLength],
  );
  return undefined;
};
