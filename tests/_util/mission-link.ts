import { randomBytes } from 'node:crypto';
import type { Database } from '../../hub/db/database.js';
import { recordEnrolment } from '../../hub/services/missions/enrol.js';
import { downHandlers } from '../../node/link/handlers/index.js';
import { HubLink, type HubLinkOptions } from '../../node/link/hub-connection.js';
import type { LinkContext } from '../../node/link/link-context.js';
import { importEnrolment } from '../../node/link/trust-material.js';
import { Identity, publicIdentityToJson, ready, signRevocationList } from '../../protocol/index.js';
import { certify } from './hub-fixtures.js';
import { openTempStore, type TempStore } from './node-store.js';

/**
 * A mission id no other test uses, valid as a party id and an MQTT topic level: suites share the
 * external broker, so `fr-paris` would mix their traffic.
 */
export function uniqueMissionId(country = 'fr'): string {
  return `${country}-t${randomBytes(6).toString('hex')}`;
}

/** A mission enrolled at a hub (its row and certificate in the hub's database) with its own node store. */
export interface EnrolledMission {
  readonly identity: Identity;
  readonly node: TempStore;
  readonly linkContext: LinkContext;
  /** A HubLink over this mission's store; not started. */
  link(options: HubLinkOptions): HubLink;
}

/**
 * Enrols `missionId` at the hub whose database is `db` (the caller reloads the hub's trust), and
 * imports the enrolment at a fresh node store, as `econsulat hub enrol` then
 * `econsulat node import-enrolment` would.
 */
export async function enrolMission(
  db: Database,
  hub: Identity,
  missionId: string,
  batch: LinkContext['batch'] = { maxEvents: 500, maxBytes: 256 * 1024 },
): Promise<EnrolledMission> {
  await ready();
  const identity = Identity.generate(missionId);
  const certificate = await certify(hub, identity);
  await recordEnrolment(db, hub.toPublic(), certificate);
  const node = await openTempStore();
  const material = importEnrolment(node.store, identity, {
    format: 'econsulat-enrolment/v1',
    hub: publicIdentityToJson(hub.toPublic()),
    certificate,
    revocationList: signRevocationList(hub, 1, [], new Date()),
  });
  const linkContext: LinkContext = {
    store: node.store,
    self: identity,
    hub: material.hub,
    trust: material.trust,
    now: Date.now,
    softwareVersion: 'test',
    batch,
  };
  return {
    identity,
    node,
    linkContext,
    link: (options) => new HubLink(linkContext, downHandlers(), options),
  };
}
