import {
  type Identity,
  OFFSITE_POLICY,
  type OffsitePolicy,
  type TrustStore,
  toBase64Url,
} from '../../../protocol/index.js';
import type { Database } from '../../db/database.js';
import { sealAndHold } from '../outbound.js';
import type { OffsiteSettings } from './offsite-settings.js';

const POLICY_LOCK = 'econsulat-hub-offsite-policy';

/**
 * Holds an offsite.policy for each enrolled mission that was not sent the one in force (a new
 * mission, a new recovery key, a new rate), and remembers it was sent; returns the envelopes to
 * publish once committed. Run at start and on a schedule: a mission enrolled since is caught up.
 */
export async function sendOffsitePolicy(
  db: Database,
  hub: Identity,
  trust: TrustStore,
  settings: OffsiteSettings,
  now: Date,
): Promise<{ missionId: string; envelope: Uint8Array }[]> {
  const policy: OffsitePolicy = {
    recoveryKey: toBase64Url(settings.recoveryPublicKey),
    recoveryKeyId: settings.recoveryKeyId,
    maxBytesPerSecond: settings.maxBytesPerSecond,
    issuedAt: now.toISOString(),
  };
  // One hub process at a time, so that two starting together do not both send it.
  return db.exclusive(POLICY_LOCK, () =>
    db.transaction(async (tx) => {
      const missions = await tx.query<{ id: string }>(
        `SELECT m.id FROM missions m LEFT JOIN offsite_policy_sent p ON p.mission_id = m.id
          WHERE m.revoked_at IS NULL
            AND (p.mission_id IS NULL OR p.recovery_key_id <> $1 OR p.max_bytes_per_second <> $2)
          ORDER BY m.id`,
        [policy.recoveryKeyId, policy.maxBytesPerSecond],
      );
      const sent: { missionId: string; envelope: Uint8Array }[] = [];
      for (const { id } of missions) {
        const recipient = trust.keysOf(id)[0]?.identity;
        if (!recipient) continue;
        const { seq, envelope } = await sealAndHold(
          tx,
          hub,
          recipient,
          OFFSITE_POLICY,
          policy,
          now.getTime(),
        );
        await tx.query(
          `INSERT INTO offsite_policy_sent (mission_id, recovery_key_id, max_bytes_per_second, seq, sent_at)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (mission_id) DO UPDATE SET recovery_key_id = $2, max_bytes_per_second = $3,
             seq = $4, sent_at = $5`,
          [id, policy.recoveryKeyId, policy.maxBytesPerSecond, seq, now],
        );
        sent.push({ missionId: id, envelope });
      }
      return sent;
    }),
  );
}
