import { recordEnrolment } from '../../hub/services/missions/enrol.js';
import { downHandlers } from '../../node/link/handlers/index.js';
import { HubLink } from '../../node/link/hub-connection.js';
import type { LinkContext } from '../../node/link/link-context.js';
import { importEnrolment } from '../../node/link/trust-material.js';
import { Identity, publicIdentityToJson, signRevocationList } from '../../protocol/index.js';
import type { TestStore } from './hub-db.js';
import { certify } from './hub-fixtures.js';
import { openTempStore, type TempStore } from './node-store.js';
import type { SyncPair } from './sync-pair.js';

/** Another mission enrolled at a sync pair's hub, with its own store and link (not started). */
export interface ExtraMission {
  readonly identity: Identity;
  readonly node: TempStore;
  readonly link: HubLink;
  readonly linkContext: LinkContext;
  close(): Promise<void>;
}

/** Enrols one more mission at the pair's hub and builds its node and link. */
export async function addMission(
  pair: SyncPair,
  hubStore: TestStore,
  missionId: string,
): Promise<ExtraMission> {
  const identity = Identity.generate(missionId);
  const certificate = await certify(pair.hub, identity);
  await recordEnrolment(hubStore.db, pair.hub.toPublic(), certificate);
  pair.trust.trust({
    identity: identity.toPublic(),
    validFrom: Date.parse(certificate.notBefore),
    validUntil: Date.parse(certificate.notAfter),
  });
  const node = await openTempStore();
  const material = importEnrolment(node.store, identity, {
    format: 'econsulat-enrolment/v1',
    hub: publicIdentityToJson(pair.hub.toPublic()),
    certificate,
    revocationList: signRevocationList(pair.hub, 0, [], new Date()),
  });
  const linkContext: LinkContext = {
    store: node.store,
    self: identity,
    hub: material.hub,
    trust: material.trust,
    now: Date.now,
    softwareVersion: 'test',
    batch: { maxEvents: 500, maxBytes: 256 * 1024 },
  };
  const link = new HubLink(linkContext, downHandlers(), {
    url: `mqtt://127.0.0.1:${pair.broker.port}`,
    reconnect: { baseMs: 100, maxMs: 500 },
  });
  return {
    identity,
    node,
    link,
    linkContext,
    async close() {
      await link.stop();
      await node.cleanup();
    },
  };
}
