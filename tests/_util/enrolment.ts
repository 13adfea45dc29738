import {
  createEnrolmentRequest,
  type EnrolmentBundle,
  type Identity,
  issueCertificate,
  publicIdentityToJson,
  signRevocationList,
} from '../../protocol/index.js';

/** The enrolment bundle a hub would hand a mission: certificate valid two years from now. */
export function enrolmentBundleFor(hub: Identity, mission: Identity, serial = 1): EnrolmentBundle {
  const now = new Date();
  const request = createEnrolmentRequest(mission, `Mission ${mission.partyId}`, now);
  const certificate = issueCertificate(hub, request, {
    serial,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + 2 * 365 * 86_400_000),
    issuedAt: now,
  });
  return {
    format: 'econsulat-enrolment/v1',
    hub: publicIdentityToJson(hub.toPublic()),
    certificate,
    revocationList: signRevocationList(hub, 1, [], now),
  };
}
