import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EmbeddedBroker, startBroker } from '../../hub/broker/broker.js';
import type { Database } from '../../hub/db/database.js';
import { openDatabase } from '../../hub/db/open-database.js';
import { HubIngestLink } from '../../hub/link/hub-link.js';
import { enrolFromRequest } from '../../hub/services/missions/enrol-request.js';
import { loadTrustStore } from '../../hub/services/missions/trust-loader.js';
import type { OffsiteSettings } from '../../hub/services/offsite/offsite-settings.js';
import { openStore, type Store } from '../../node/db/store.js';
import { downHandlers } from '../../node/link/handlers/index.js';
import { HubLink, type HubLinkOptions } from '../../node/link/hub-connection.js';
import { importEnrolment, type TrustMaterial } from '../../node/link/trust-material.js';
import { newEvent } from '../../node/services/outbox/outbox.js';
import {
  AppointmentEvents,
  createEnrolmentRequest,
  FileEvents,
  HUB_ID,
  Identity,
  sodium,
  type TrustStore,
} from '../../protocol/index.js';

/** One mission enrolled at a fresh hub database, with its store; where the hub runs is the caller's. */
export interface BenchMission {
  readonly dir: string;
  readonly hub: Identity;
  /** The broker's trust store (the hub and the enrolled mission). */
  readonly trust: TrustStore;
  /** The hub's database (the bench reads the hub's tables through it). */
  readonly db: Database;
  readonly mission: Identity;
  readonly material: TrustMaterial;
  readonly storePath: string;
  readonly dataKey: Uint8Array;
  /** The mission's store as first opened (a round may close it and open another on the same file). */
  readonly store: Store;
  /** Starts the mission's link on a store, with what else travels on its connection. */
  startLink(store: Store, extra?: Pick<HubLinkOptions, 'attachments' | 'onApplied'>): HubLink;
  close(): Promise<void>;
}

/** A hub (database, embedded broker, ingest link) and one enrolled mission's store, for a bench round. */
export interface BenchPair extends BenchMission {
  readonly broker: EmbeddedBroker;
  readonly hubLink: HubIngestLink;
}

/** Enrols a mission at a fresh hub (PostgreSQL at `databaseUrl`, else PGlite) over an embedded broker. */
export async function openBenchPair(
  databaseUrl: string | undefined,
  options: { readonly offsite?: OffsiteSettings } = {},
): Promise<BenchPair> {
  let url = '';
  const side = await enrolBenchMission(databaseUrl, () => url);
  const broker = await startBroker({
    host: '127.0.0.1',
    port: 0,
    trust: side.trust,
    events: { refused: () => {} },
  });
  url = `mqtt://127.0.0.1:${broker.port}`;
  const hubLink = new HubIngestLink(side.db, side.hub, side.trust, {
    url,
    clientId: 'hub-bench',
    ...(options.offsite ? { offsite: options.offsite } : {}),
  });
  await hubLink.start();
  return {
    ...side,
    broker,
    hubLink,
    async close() {
      await hubLink.stop();
      await broker.close();
      await side.close();
    },
  };
}

/**
 * A mission enrolled at a fresh hub database (PostgreSQL at `databaseUrl`, else PGlite in memory,
 * so that the bench measures the link, not a server's fsync); its link connects to `brokerUrl()`,
 * read when the link starts.
 */
export async function enrolBenchMission(
  databaseUrl: string | undefined,
  brokerUrl: () => string,
): Promise<BenchMission> {
  const dir = await mkdtemp(join(tmpdir(), 'econsulat-bench-'));
  const hub = Identity.generate(HUB_ID);
  // A mission id of its own: rounds against one PostgreSQL database must not meet.
  const mission = Identity.generate(`fr-bench-${randomBytes(4).toString('hex')}`);
  const db = await openDatabase(databaseUrl ? { databaseUrl } : {});
  const bundle = await enrolFromRequest(
    db,
    hub,
    createEnrolmentRequest(mission, 'Bench', new Date()),
    new Date(),
  );
  const trust = await benchTrust(db, hub);
  const storePath = join(dir, 'mission.sqlite');
  const dataKey = sodium.randombytes_buf(32);
  const store = await openStore({ path: storePath, dataKey });
  const material = importEnrolment(store, mission, bundle);
  return {
    dir,
    hub,
    trust,
    db,
    mission,
    material,
    storePath,
    dataKey,
    store,
    startLink(on, extra = {}) {
      const link = new HubLink(
        {
          store: on,
          self: mission,
          hub: material.hub,
          trust: material.trust,
          now: Date.now,
          softwareVersion: 'bench',
          batch: { maxEvents: 1000, maxBytes: 512 * 1024 },
        },
        downHandlers(),
        { url: brokerUrl(), window: 16, ...extra },
      );
      link.start();
      return link;
    },
    async close() {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The trust store a bench broker checks connections against: the enrolled missions and the hub. */
export async function benchTrust(db: Database, hub: Identity): Promise<TrustStore> {
  const { trust } = await loadTrustStore(db, hub.toPublic());
  trust.trust({ identity: hub.toPublic(), validFrom: 0, validUntil: Number.MAX_SAFE_INTEGER });
  return trust;
}

/** A realistic event of a mission: one booking for three moves of a file through its workflow. */
export function sampleEvent(i: number) {
  const serviceCode = ['passport-renewal', 'consular-card', 'visa-short-stay'][i % 3] ?? '';
  const entityId = `PAR-${(1_000_000 + i * 7919).toString(36).toUpperCase()}`;
  if (i % 4 === 0) {
    const slotStart = new Date(Date.UTC(2026, 2, 2, 8) + (i % 500) * 1_200_000).toISOString();
    return newEvent({
      kind: AppointmentEvents.Booked,
      entity: 'appointment',
      entityId,
      data: { serviceCode, slotStart, state: 'confirmed', fromWaitlist: false },
    });
  }
  return newEvent({
    kind: FileEvents.Transitioned,
    entity: 'file',
    entityId,
    data: { serviceCode, from: 'in_review', to: 'approved', agent: `agent-${i % 7}` },
  });
}

/** Waits until `done` holds, checking every 20 ms. */
export async function until(done: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await done())) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** Events the hub holds from the pair's mission. */
export async function hubEventCount(pair: Pick<BenchPair, 'db' | 'mission'>): Promise<number> {
  const [row] = await pair.db.query<{ n: number | string }>(
    'SELECT count(*) AS n FROM mission_events WHERE mission_id = $1',
    [pair.mission.partyId],
  );
  return Number(row?.n ?? 0);
}
