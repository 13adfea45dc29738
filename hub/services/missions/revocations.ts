import {
  type Identity,
  type RevocationList,
  signRevocationList,
  type TrustStore,
} from '../../../protocol/index.js';
import type { Database, Queryable } from '../../db/database.js';
import { HubError, HubErrorCode } from '../../errors.js';
import { sealAndHold } from '../outbound.js';

/** The signed list of every key revocation, with the highest serial so far. */
export async function currentRevocationList(
  db: Queryable,
  hub: Identity,
  now: Date,
): Promise<RevocationList> {
  const rows = await db.query<{
    mission_id: string;
    key_id: string;
    reason: 'compromised' | 'superseded' | 'retired';
    revoked_at: Date;
    serial: number;
  }>('SELECT mission_id, key_id, reason, revoked_at, serial FROM key_revocations ORDER BY serial, key_id');
  const serial = Math.max(0, ...rows.map((row) => Number(row.serial)));
  const entries = rows.map((row) => ({
    partyId: row.mission_id,
    keyId: row.key_id,
    revokedAt: new Date(row.revoked_at).toISOString(),
    reason: row.reason,
  }));
  return signRevocationList(hub, serial, entries, now);
}

/**
 * Revokes every key of a mission and the mission itself, then queues the new signed revocation list
 * for every other mission, in one transaction. Returns the envelopes to publish after commit.
 */
export async function revokeMission(
  db: Database,
  hub: Identity,
  trust: TrustStore,
  missionId: string,
  reason: 'compromised' | 'retired',
  now: Date,
): Promise<{ list: RevocationList; envelopes: { missionId: string; envelope: Uint8Array }[] }> {
  return db.transaction(async (tx) => {
    const [mission] = await tx.query<{ id: string }>(
      'SELECT id FROM missions WHERE id = $1 AND revoked_at IS NULL',
      [missionId],
    );
    if (!mission) throw new HubError(HubErrorCode.UnknownMission, `no enrolled mission ${missionId}`);
    const [next] = await tx.query<{ serial: number }>(
      'SELECT COALESCE(max(serial), 0) + 1 AS serial FROM key_revocations',
    );
    await tx.query(
      `INSERT INTO key_revocations (key_id, mission_id, reason, revoked_at, serial)
       SELECT key_id, mission_id, $2, $3, $4 FROM mission_certificates WHERE mission_id = $1
       ON CONFLICT (key_id) DO UPDATE SET reason = EXCLUDED.reason, revoked_at = EXCLUDED.revoked_at, serial = EXCLUDED.serial`,
      [missionId, reason, now, Number(next?.serial ?? 1)],
    );
    await tx.query('UPDATE missions SET revoked_at = $2, online = false WHERE id = $1', [missionId, now]);
    const list = await currentRevocationList(tx, hub, now);
    const others = await tx.query<{ id: string }>(
      'SELECT id FROM missions WHERE revoked_at IS NULL ORDER BY id',
    );
    const envelopes: { missionId: string; envelope: Uint8Array }[] = [];
    for (const { id } of others) {
      const recipient = trust.keysOf(id)[0]?.identity;
      if (!recipient) continue;
      const { envelope } = await sealAndHold(tx, hub, recipient, 'revocation.list', { list }, now.getTime());
      envelopes.push({ missionId: id, envelope });
    }
    return { list, envelopes };
  });
}
