import {
  CERTIFICATE_RENEWAL,
  type Certificate,
  type Identity,
  renewCertificate,
  type TrustStore,
} from '../../../protocol/index.js';
import type { Database } from '../../db/database.js';
import { sealAndHold } from '../outbound.js';
import { nextCertificateSerial, recordEnrolment } from './enrol.js';

const DAY = 86_400_000;

/**
 * Renews every certificate that expires within `withinDays`, for the same keys, two years from
 * now, and sends each renewal to its mission (held until acknowledged, so a mission offline for
 * weeks receives it on return). Run daily: with certificates of two years and renewal 180 days
 * ahead, no outage outlives a certificate. Returns the envelopes to publish after commit.
 */
export async function renewExpiringCertificates(
  db: Database,
  hub: Identity,
  trust: TrustStore,
  now: Date,
  withinDays = 180,
  validityDays = 730,
): Promise<{ missionId: string; envelope: Uint8Array }[]> {
  const horizon = new Date(now.getTime() + withinDays * DAY).toISOString();
  const due = await db.query<{ certificate: Certificate }>(
    `SELECT certificate FROM missions WHERE revoked_at IS NULL AND (certificate->>'notAfter') < $1 ORDER BY id`,
    [horizon],
  );
  const renewals: { missionId: string; envelope: Uint8Array }[] = [];
  for (const { certificate } of due) {
    const renewed = renewCertificate(hub, certificate, {
      serial: await nextCertificateSerial(db),
      notBefore: new Date(certificate.notBefore),
      notAfter: new Date(now.getTime() + validityDays * DAY),
      issuedAt: now,
    });
    await recordEnrolment(db, hub.toPublic(), renewed);
    const missionId = renewed.subject.partyId;
    const recipient = trust.lookup(missionId, renewed.subject.keyId)?.identity;
    if (!recipient) continue;
    trust.trust({
      identity: recipient,
      validFrom: Date.parse(renewed.notBefore),
      validUntil: Date.parse(renewed.notAfter),
    });
    const { envelope } = await db.transaction((tx) =>
      sealAndHold(tx, hub, recipient, CERTIFICATE_RENEWAL, { certificate: renewed }, now.getTime()),
    );
    renewals.push({ missionId, envelope });
  }
  return renewals;
}
