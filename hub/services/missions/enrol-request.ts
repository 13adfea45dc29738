import {
  type EnrolmentBundle,
  type Identity,
  issueCertificate,
  publicIdentityToJson,
  verifyEnrolmentRequest,
} from '../../../protocol/index.js';
import type { Database } from '../../db/database.js';
import { HubError, HubErrorCode } from '../../errors.js';
import { nextCertificateSerial, recordEnrolment } from './enrol.js';
import { currentRevocationList } from './revocations.js';

const DAY = 86_400_000;

/**
 * Enrols a mission from its self-signed request: issues a certificate (valid two years by default:
 * long enough that no outage outlives it, renewed over the link well before), records it, and
 * returns the bundle the mission imports.
 */
export async function enrolFromRequest(
  db: Database,
  hub: Identity,
  request: unknown,
  now: Date,
  validityDays = 730,
): Promise<EnrolmentBundle> {
  const verified = verifyEnrolmentRequest(request);
  if (!verified)
    throw new HubError(
      HubErrorCode.EnrolmentInvalid,
      'the enrolment request is malformed or not self-signed',
    );
  const certificate = issueCertificate(hub, verified.request, {
    serial: await nextCertificateSerial(db),
    notBefore: new Date(now.getTime() - DAY),
    notAfter: new Date(now.getTime() + validityDays * DAY),
    issuedAt: now,
  });
  await recordEnrolment(db, hub.toPublic(), certificate);
  return {
    format: 'econsulat-enrolment/v1',
    hub: publicIdentityToJson(hub.toPublic()),
    certificate,
    revocationList: await currentRevocationList(db, hub, now),
  };
}
