import {
  type Certificate,
  type EnrolmentBundle,
  type EnrolmentRequest,
  type Identity,
  issueCertificate,
  publicIdentityToJson,
  verifyEnrolmentRequest,
} from '../../../protocol/index.js';
import type { Database, Queryable } from '../../db/database.js';
import { HubError, HubErrorCode } from '../../errors.js';
import { appendAudit } from '../audit/audit-log.js';
import { nextCertificateSerial, recordCertificate } from './enrol.js';
import { isKeyKnown, lockMissionKeys } from './mission-keys.js';
import { currentRevocationList } from './revocations.js';

const DAY = 86_400_000;

/** The ministry's decision to enrol again a mission it revoked, recorded in the hub's audit log. */
export interface ReEnrolmentDecision {
  /** The decision's reference, e.g. "MAE/SG/2026-114". */
  readonly reference: string;
  /** Who enrols, e.g. `officer:<name>`. */
  readonly actor: string;
}

/**
 * Enrols a mission from its self-signed request: issues a certificate (valid two years by default:
 * long enough that no outage outlives it, renewed over the link well before), records it, and
 * returns the bundle the mission imports. A mission id already enrolled is refused (a new key is a
 * rotation: {@link rotateMissionKey}), except the same key again, which gets its bundle back; a
 * revoked mission only with the ministry's decision, which clears its revocation.
 */
export async function enrolFromRequest(
  db: Database,
  hub: Identity,
  request: unknown,
  now: Date,
  validityDays = 730,
  decision?: ReEnrolmentDecision,
): Promise<EnrolmentBundle> {
  const verified = verifyEnrolmentRequest(request);
  if (!verified)
    throw new HubError(
      HubErrorCode.EnrolmentInvalid,
      'the enrolment request is malformed or not self-signed',
    );
  return db.transaction(async (tx) => {
    const missionId = verified.subject.partyId;
    const existing = await lockMissionKeys(tx, hub.toPublic(), missionId);
    if (existing && !existing.revoked) {
      if (existing.current.keyId !== verified.subject.keyId)
        throw new HubError(
          HubErrorCode.MissionExists,
          `${missionId} is already enrolled with key ${existing.current.keyId}: to replace its key, rotate it (--rotate --expect-old-key)`,
        );
      return bundleOf(tx, hub, await certificateInForce(tx, missionId), now);
    }
    if (existing?.revoked && !decision)
      throw new HubError(
        HubErrorCode.MissionRevoked,
        `${missionId} is revoked: it is enrolled again only on the ministry's decision (--after-revocation --decision)`,
      );
    if (!existing?.revoked && decision)
      throw new HubError(HubErrorCode.MissionRevoked, `${missionId} is not revoked: no decision is needed`);
    if (await isKeyKnown(tx, verified.subject.keyId))
      throw new HubError(
        HubErrorCode.KeyMismatch,
        `key ${verified.subject.keyId} was already certified: new keys are needed`,
      );
    const certificate = await certify(tx, hub, verified.request, now, validityDays);
    if (existing && decision) await clearRevocation(tx, missionId, certificate, decision, now);
    return bundleOf(tx, hub, certificate, now);
  });
}

/** Issues and records a certificate for verified keys, inside the caller's transaction. */
export async function certify(
  tx: Queryable,
  hub: Identity,
  request: EnrolmentRequest,
  now: Date,
  validityDays = 730,
): Promise<Certificate> {
  const certificate = issueCertificate(hub, request, {
    serial: await nextCertificateSerial(tx),
    notBefore: new Date(now.getTime() - DAY),
    notAfter: new Date(now.getTime() + validityDays * DAY),
    issuedAt: now,
  });
  await recordCertificate(tx, hub.toPublic(), certificate);
  return certificate;
}

/** The bundle a mission imports: the hub's keys to pin, its certificate, the revocations in force. */
export async function bundleOf(
  tx: Queryable,
  hub: Identity,
  certificate: Certificate,
  now: Date,
): Promise<EnrolmentBundle> {
  return {
    format: 'econsulat-enrolment/v1',
    hub: publicIdentityToJson(hub.toPublic()),
    certificate,
    revocationList: await currentRevocationList(tx, hub, now),
  };
}

async function certificateInForce(tx: Queryable, missionId: string): Promise<Certificate> {
  const [row] = await tx.query<{ certificate: Certificate }>(
    'SELECT certificate FROM missions WHERE id = $1',
    [missionId],
  );
  if (!row) throw new HubError(HubErrorCode.UnknownMission, `no enrolled mission ${missionId}`);
  return row.certificate;
}

/**
 * The mission is enrolled again: its revocation is lifted (its old keys stay revoked), the decision
 * is in the audit log, and its channel starts afresh: the new installation numbers from 1, and what
 * was held for the revoked keys could never be opened by the new one.
 */
async function clearRevocation(
  tx: Queryable,
  missionId: string,
  certificate: Certificate,
  decision: ReEnrolmentDecision,
  now: Date,
): Promise<void> {
  const [before] = await tx.query<{ revoked_at: Date }>('SELECT revoked_at FROM missions WHERE id = $1', [
    missionId,
  ]);
  await tx.query('UPDATE missions SET revoked_at = NULL WHERE id = $1', [missionId]);
  await tx.query('DELETE FROM outbound WHERE mission_id = $1', [missionId]);
  await tx.query(
    `UPDATE channels SET applied_up_to = 0, last_control_at = 0, next_send_seq = 1, updated_at = $2,
       gap_seen_up_to = 0, resync_from = NULL, applied_sealed_at = 0, last_hello_at = NULL
      WHERE mission_id = $1`,
    [missionId, now],
  );
  await appendAudit(tx, {
    at: now,
    actor: decision.actor,
    action: 'mission.re-enrolled',
    entity: 'mission',
    entityId: missionId,
    before: { revokedAt: before ? new Date(before.revoked_at).toISOString() : null },
    after: { keyId: certificate.subject.keyId, serial: certificate.serial, decision: decision.reference },
  });
}
