import { type EmbeddedBroker, startBroker } from '../../hub/broker/broker.js';
import { HubIngestLink } from '../../hub/link/hub-link.js';
import { recordEnrolment } from '../../hub/services/missions/enrol.js';
import { loadTrustStore } from '../../hub/services/missions/trust-loader.js';
import { downHandlers } from '../../node/link/handlers/index.js';
import { HubLink } from '../../node/link/hub-connection.js';
import type { LinkContext } from '../../node/link/link-context.js';
import { importEnrolment } from '../../node/link/trust-material.js';
import { HUB_ID, Identity, publicIdentityToJson, ready, signRevocationList } from '../../protocol/index.js';
import type { TestStore } from './hub-db.js';
import { certify } from './hub-fixtures.js';
import { openTempStore, type TempStore } from './node-store.js';

/** A hub (database, embedded broker, ingest link) and one enrolled mission node with its link. */
export interface SyncPair {
  readonly hub: Identity;
  readonly mission: Identity;
  readonly broker: EmbeddedBroker;
  readonly hubLink: HubIngestLink;
  readonly node: TempStore;
  readonly nodeLink: HubLink;
  readonly linkContext: LinkContext;
  readonly trust: Awaited<ReturnType<typeof loadTrustStore>>['trust'];
  close(): Promise<void>;
}

/** Enrols a mission at a fresh hub and wires both links over an embedded broker on a free port. */
export async function startSyncPair(
  hubStore: TestStore,
  missionId = 'fr-paris',
  options: { enrolledDaysAgo?: number } = {},
): Promise<SyncPair> {
  await ready();
  const hub = Identity.generate(HUB_ID);
  const mission = Identity.generate(missionId);
  const certificate = await certify(hub, mission, 1, options.enrolledDaysAgo ?? 1);
  await recordEnrolment(hubStore.db, hub.toPublic(), certificate);
  const { trust } = await loadTrustStore(hubStore.db, hub.toPublic());
  trust.trust({ identity: hub.toPublic(), validFrom: 0, validUntil: Number.MAX_SAFE_INTEGER });
  const broker = await startBroker({ host: '127.0.0.1', port: 0, trust, events: { refused: () => {} } });
  const url = `mqtt://127.0.0.1:${broker.port}`;
  const hubLink = new HubIngestLink(hubStore.db, hub, trust, { url, clientId: 'hub-test' });
  await hubLink.start();

  const node = await openTempStore();
  const material = importEnrolment(node.store, mission, {
    format: 'econsulat-enrolment/v1',
    hub: publicIdentityToJson(hub.toPublic()),
    certificate,
    revocationList: signRevocationList(hub, 1, [], new Date()),
  });
  const linkContext: LinkContext = {
    store: node.store,
    self: mission,
    hub: material.hub,
    trust: material.trust,
    now: Date.now,
    softwareVersion: 'test',
    batch: { maxEvents: 500, maxBytes: 256 * 1024 },
  };
  const nodeLink = new HubLink(linkContext, downHandlers(), {
    url,
    reconnect: { baseMs: 100, maxMs: 1000 },
  });
  return {
    hub,
    mission,
    broker,
    hubLink,
    node,
    nodeLink,
    linkContext,
    trust,
    async close() {
      await nodeLink.stop();
      await hubLink.stop();
      await broker.close();
      await node.cleanup();
    },
  };
}
