import { type HubConfig, hubConfigSchema } from '../../hub/config/config.js';
import type { Database } from '../../hub/db/database.js';
import type { IngestContext } from '../../hub/ingest/ingest-types.js';
import { recordEnrolment } from '../../hub/services/missions/enrol.js';
import { loadTrustStore } from '../../hub/services/missions/trust-loader.js';
import {
  createEnrolmentRequest,
  HUB_ID,
  Identity,
  issueCertificate,
  type MessageBody,
  type MessageType,
  type MissionEvent,
  ready,
  seal,
} from '../../protocol/index.js';
import { bookedData } from './event-data.js';
import { TEST_METRICS_TOKEN } from './metrics-scrape.js';

const DAY = 24 * 60 * 60 * 1000;

/** A certificate for a mission, valid from `validForDaysBefore` days ago (one by default) for a year. */
export async function certify(hub: Identity, mission: Identity, serial = 1, validForDaysBefore = 1) {
  await ready();
  const now = Date.now();
  const request = createEnrolmentRequest(mission, `Ambassade ${mission.partyId}`, new Date(now));
  return issueCertificate(hub, request, {
    serial,
    notBefore: new Date(now - validForDaysBefore * DAY),
    notAfter: new Date(now + 365 * DAY),
    issuedAt: new Date(now),
  });
}

/** A hub with one enrolled mission, and an ingest context over the trust loaded from the database. */
export async function enrolledHub(db: Database, missionId = 'fr-paris') {
  await ready();
  const hub = Identity.generate(HUB_ID);
  const mission = Identity.generate(missionId);
  await recordEnrolment(db, hub.toPublic(), await certify(hub, mission));
  const { trust } = await loadTrustStore(db, hub.toPublic());
  const context = (): IngestContext => ({ self: hub, trust, now: Date.now() });
  return { hub, mission, trust, context };
}

/** Seals a message from a mission to the hub, now. */
export function sealUp<T extends MessageType>(
  mission: Identity,
  hub: Identity,
  type: T,
  body: MessageBody<T>,
  seq: number,
  timestamp = Date.now(),
): Uint8Array {
  return seal({ sender: mission, recipient: hub.toPublic(), type, body, seq, timestamp });
}

/** `count` booking events, each with a fresh id. */
export function bookingEvents(count: number): MissionEvent[] {
  const at = new Date().toISOString();
  return Array.from({ length: count }, (_, index) => ({
    id: crypto.randomUUID(),
    kind: 'appointment.booked',
    entity: 'appointment',
    entityId: `RDV-${index}`,
    at,
    data: bookedData({ index }),
  }));
}

/** A whole hub in one process on 127.0.0.1, free ports, PGlite (a throwaway store), quiet. */
export function throwawayHubConfig(dataDir: string): HubConfig {
  return hubConfigSchema.parse({
    dataDir,
    embeddedDatabase: 'pglite',
    http: { host: '127.0.0.1', port: 0 },
    mqtt: { mode: 'embedded', host: '127.0.0.1', port: 0 },
    logLevel: 'silent',
    metrics: { token: TEST_METRICS_TOKEN },
  });
}
