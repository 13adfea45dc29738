import type { Store } from '../../node/db/store.js';
import type { LinkContext } from '../../node/link/link-context.js';
import type { TrustMaterial } from '../../node/link/trust-material.js';
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

/** A mission's link context over its store, as the node wires it, with the test's batch bounds. */
export function testLinkContext(
  store: Store,
  self: Identity,
  material: TrustMaterial,
  batch: LinkContext['batch'] = { maxEvents: 50, maxBytes: 64 * 1024 },
): LinkContext {
  return {
    store,
    self,
    hub: material.hub,
    trust: material.trust,
    now: Date.now,
    softwareVersion: 'test',
    batch,
  };
}
