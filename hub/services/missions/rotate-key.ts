import {
  type Certificate,
  type Identity,
  type RevocationList,
  verifyKeyRotationRequest,
} from '../../../protocol/index.js';
import type { Database, Queryable } from '../../db/database.js';
import { HubError, HubErrorCode } from '../../errors.js';
import { appendAudit } from '../audit/audit-log.js';
import { certify } from './enrol-request.js';
import { isKeyKnown, lockMissionKeys } from './mission-keys.js';
import { currentRevocationList, nextRevocationSerial } from './revocations.js';

/** How a rotation was asked for, and what the hub checks beyond the request's signatures. */
export interface RotationOptions {
  readonly now: Date;
  /** The key id the operator read from the mission (by phone): the key in force must be it. */
  readonly expectOldKeyId?: string;
  /**
   * The channel sequence of the envelope that carried the request, over the link. By hand, the
   * request states the last sequence the old key sealed; failing both, what the hub has applied.
   */
  readonly carriedAtSeq?: number;
  /** Who asked, for the audit log: `mission` over the link, `officer:<name>` by hand. */
  readonly actor: string;
}

/** What a rotation produced. */
export interface Rotation {
  readonly missionId: string;
  readonly oldKeyId: string;
  readonly certificate: Certificate;
  /** The last sequence the old key may have sealed; later ones are refused as key_superseded. */
  readonly lastSeq: number;
  readonly list: RevocationList;
}

/** {@link rotateMissionKeyIn} in a transaction of its own. */
export function rotateMissionKey(
  db: Database,
  hub: Identity,
  missionId: string,
  input: unknown,
  options: RotationOptions,
): Promise<Rotation> {
  return db.transaction((tx) => rotateMissionKeyIn(tx, hub, missionId, input, options));
}

/**
 * Replaces a mission's key from its rotation request, in the caller's transaction: the request
 * must be signed by the key in force and prove the new one; the new key is certified, and the old
 * one superseded at once (key_revocations, hence the signed list), with the channel sequence after
 * which nothing it sealed is accepted. Recorded in the hub's audit log.
 */
export async function rotateMissionKeyIn(
  tx: Queryable,
  hub: Identity,
  missionId: string,
  input: unknown,
  options: RotationOptions,
): Promise<Rotation> {
  const mission = await lockMissionKeys(tx, hub.toPublic(), missionId);
  if (!mission) throw new HubError(HubErrorCode.UnknownMission, `no enrolled mission ${missionId}`);
  if (mission.revoked)
    throw new HubError(HubErrorCode.MissionRevoked, `${missionId} is revoked: a revoked key cannot rotate`);
  const oldKeyId = mission.current.keyId;
  if (options.expectOldKeyId !== undefined && options.expectOldKeyId !== oldKeyId)
    throw new HubError(
      HubErrorCode.KeyMismatch,
      `${missionId}'s key in force is ${oldKeyId}, not ${options.expectOldKeyId}`,
    );
  const verified = verifyKeyRotationRequest(input, mission.current);
  if (!verified)
    throw new HubError(
      HubErrorCode.EnrolmentInvalid,
      `not a rotation request of ${missionId} signed by its key in force ${oldKeyId}`,
    );
  if (await isKeyKnown(tx, verified.subject.keyId))
    throw new HubError(HubErrorCode.KeyMismatch, `key ${verified.subject.keyId} was already certified`);
  // Never below what the hub already applied from the old key: that much it sealed for certain.
  const stated = options.carriedAtSeq ?? verified.rotation.lastSeq ?? 0;
  const lastSeq = Math.max(stated, await appliedUpTo(tx, missionId));
  const certificate = await certify(tx, hub, verified.request, options.now);
  await tx.query(
    `INSERT INTO key_revocations (key_id, mission_id, reason, revoked_at, serial, last_seq)
     VALUES ($1, $2, 'superseded', $3, $4, $5)`,
    [oldKeyId, missionId, options.now, await nextRevocationSerial(tx), lastSeq],
  );
  await appendAudit(tx, {
    at: options.now,
    actor: options.actor,
    action: 'mission.key-rotated',
    entity: 'mission',
    entityId: missionId,
    before: { keyId: oldKeyId },
    after: { keyId: certificate.subject.keyId, serial: certificate.serial, lastSeq },
  });
  const list = await currentRevocationList(tx, hub, options.now);
  return { missionId, oldKeyId, certificate, lastSeq, list };
}

async function appliedUpTo(tx: Queryable, missionId: string): Promise<number> {
  const [row] = await tx.query<{ applied_up_to: number }>(
    'SELECT applied_up_to FROM channels WHERE mission_id = $1',
    [missionId],
  );
  return Number(row?.applied_up_to ?? 0);
}
