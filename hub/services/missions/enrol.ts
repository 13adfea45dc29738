import { type Certificate, type PublicIdentity, verifyCertificate } from '../../../protocol/index.js';
import type { Database, Queryable } from '../../db/database.js';
import { HubError, HubErrorCode } from '../../errors.js';

/** The mission a certificate enrolled. */
export interface EnrolledMission {
  readonly missionId: string;
  readonly keyId: string;
}

/**
 * Records a certificate the hub issued: the mission's row (created, or its certificate replaced on
 * a key rotation), the certificate in the history the trust loader reads, and the mission's
 * channel. Throws when the certificate does not verify against the hub's identity.
 */
export async function recordEnrolment(
  db: Database,
  hub: PublicIdentity,
  certificate: Certificate,
): Promise<EnrolledMission> {
  return db.transaction((tx) => recordCertificate(tx, hub, certificate));
}

/** {@link recordEnrolment} inside the caller's transaction. */
export async function recordCertificate(
  tx: Queryable,
  hub: PublicIdentity,
  certificate: Certificate,
): Promise<EnrolledMission> {
  const verified = verifyCertificate(certificate, hub);
  if (!verified) throw new HubError(HubErrorCode.CertificateInvalid, 'certificate not issued by this hub');
  const { subject } = verified;
  const json = JSON.stringify(certificate);
  await tx.query(
    `INSERT INTO missions (id, name, certificate) VALUES ($1, $2, $3::jsonb)
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, certificate = EXCLUDED.certificate`,
    [subject.partyId, certificate.missionName, json],
  );
  await tx.query(
    `INSERT INTO mission_certificates (key_id, mission_id, serial, certificate, issued_at)
     VALUES ($1, $2, $3, $4::jsonb, $5) ON CONFLICT (key_id) DO NOTHING`,
    [subject.keyId, subject.partyId, certificate.serial, json, certificate.issuedAt],
  );
  await tx.query('INSERT INTO channels (mission_id) VALUES ($1) ON CONFLICT DO NOTHING', [subject.partyId]);
  return { missionId: subject.partyId, keyId: subject.keyId };
}

/**
 * The serial of the next certificate. A renewal certifies a key already in the history, so its
 * serial may be only in `missions`: both tables are read, and no serial is ever given twice.
 */
export async function nextCertificateSerial(db: Queryable): Promise<number> {
  const [row] = await db.query<{ serial: number }>(
    `SELECT GREATEST((SELECT COALESCE(max(serial), 0) FROM mission_certificates),
                     (SELECT COALESCE(max((certificate->>'serial')::int), 0) FROM missions)) + 1 AS serial`,
  );
  return Number(row?.serial ?? 1);
}
