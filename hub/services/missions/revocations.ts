import {
  type Identity,
  REVOCATION_LIST,
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
    last_seq: number | string | null;
  }>(
    'SELECT mission_id, key_id, reason, revoked_at, serial, last_seq FROM key_revocations ORDER BY serial, key_id',
  );
  const serial = Math.max(0, ...rows.map((row) => Number(row.serial)));
  const entries = rows.map((row) => ({
    partyId: row.mission_id,
    keyId: row.key_id,
    revokedAt: new Date(row.revoked_at).toISOString(),
    reason: row.reason,
    ...(row.reason === 'superseded' && row.last_seq !== null ? { lastSeq: Number(row.last_seq) } : {}),
  }));
  return signRevocationList(hub, serial, entries, now);
}

/** The serial the next revocation list takes. */
export async function nextRevocationSerial(tx: Queryable): Promise<number> {
  const [next] = await tx.query<{ serial: number }>(
    'SELECT COALESCE(max(serial), 0) + 1 AS serial FROM key_revocations',
  );
  return Number(next?.serial ?? 1);
}

/**
 * Revokes every key of a mission and the mission itself, then queues the new signed revocation list
 * for every other mission, in one transaction. Returns the envelopes to publish after commit.
 * A mission already revoked can only be revoked again as compromised: that upgrades its retired
 * and superseded keys, so that nothing they ever sealed is accepted any more.
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
    const [mission] = await tx.query<{ id: string; revoked_at: Date | null }>(
      'SELECT id, revoked_at FROM missions WHERE id = $1 FOR UPDATE',
      [missionId],
    );
    if (!mission) throw new HubError(HubErrorCode.UnknownMission, `no enrolled mission ${missionId}`);
    if (mission.revoked_at !== null && reason !== 'compromised')
      throw new HubError(HubErrorCode.UnknownMission, `${missionId} is already revoked`);
    // Compromised overrides any earlier reason; retiring never weakens a key already superseded
    // (its sequence bound is stricter than a date) or compromised.
    await tx.query(
      `INSERT INTO key_revocations (key_id, mission_id, reason, revoked_at, serial)
       SELECT key_id, mission_id, $2, $3, $4 FROM mission_certificates WHERE mission_id = $1
       ON CONFLICT (key_id) DO UPDATE SET reason = EXCLUDED.reason, revoked_at = EXCLUDED.revoked_at,
         serial = EXCLUDED.serial, last_seq = NULL
       WHERE EXCLUDED.reason = 'compromised' AND key_revocations.reason <> 'compromised'`,
      [missionId, reason, now, await nextRevocationSerial(tx)],
    );
    if (mission.revoked_at === null)
      await tx.query('UPDATE missions SET revoked_at = $2, online = false WHERE id = $1', [missionId, now]);
    const list = await currentRevocationList(tx, hub, now);
    return { list, envelopes: await announce(tx, hub, trust, list, now) };
  });
}

/**
 * Declares one key of a mission compromised — typically a key a rotation superseded, left on a
 * machine taken out of service — without revoking the mission: nothing that key ever sealed is
 * accepted any more. The key in force is revoked with the mission instead ({@link revokeMission}).
 */
export async function compromiseKey(
  db: Database,
  hub: Identity,
  trust: TrustStore,
  missionId: string,
  keyId: string,
  now: Date,
): Promise<{ list: RevocationList; envelopes: { missionId: string; envelope: Uint8Array }[] }> {
  return db.transaction(async (tx) => {
    const [key] = await tx.query<{ in_force: boolean }>(
      `SELECT (m.certificate->'subject'->>'keyId') = c.key_id AS in_force
         FROM mission_certificates c JOIN missions m ON m.id = c.mission_id
        WHERE c.mission_id = $1 AND c.key_id = $2 FOR UPDATE OF m`,
      [missionId, keyId],
    );
    if (!key) throw new HubError(HubErrorCode.KeyMismatch, `${keyId} is not a key of ${missionId}`);
    if (key.in_force)
      throw new HubError(
        HubErrorCode.KeyMismatch,
        `${keyId} is ${missionId}'s key in force: revoke the mission (--compromised) instead`,
      );
    await tx.query(
      `INSERT INTO key_revocations (key_id, mission_id, reason, revoked_at, serial)
       VALUES ($1, $2, 'compromised', $3, $4)
       ON CONFLICT (key_id) DO UPDATE SET reason = 'compromised', revoked_at = EXCLUDED.revoked_at,
         serial = EXCLUDED.serial, last_seq = NULL`,
      [keyId, missionId, now, await nextRevocationSerial(tx)],
    );
    const list = await currentRevocationList(tx, hub, now);
    return { list, envelopes: await announce(tx, hub, trust, list, now) };
  });
}

/** Queues the new list for every mission not revoked, each sealed to its key in force. */
async function announce(
  tx: Queryable,
  hub: Identity,
  trust: TrustStore,
  list: RevocationList,
  now: Date,
): Promise<{ missionId: string; envelope: Uint8Array }[]> {
  const others = await tx.query<{ id: string }>(
    'SELECT id FROM missions WHERE revoked_at IS NULL ORDER BY id',
  );
  const envelopes: { missionId: string; envelope: Uint8Array }[] = [];
  for (const { id } of others) {
    const recipient = trust.keysOf(id)[0]?.identity;
    if (!recipient) continue;
    const { envelope } = await sealAndHold(tx, hub, recipient, REVOCATION_LIST, { list }, now.getTime());
    envelopes.push({ missionId: id, envelope });
  }
  return envelopes;
}
