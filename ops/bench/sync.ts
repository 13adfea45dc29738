import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker } from '../../hub/broker/broker.js';
import type { Database } from '../../hub/db/database.js';
import { openDatabase } from '../../hub/db/open-database.js';
import { HubIngestLink } from '../../hub/link/hub-link.js';
import { enrolFromRequest } from '../../hub/services/missions/enrol-request.js';
import { loadTrustStore } from '../../hub/services/missions/trust-loader.js';
import { openStore } from '../../node/db/store.js';
import { transaction } from '../../node/db/transaction.js';
import { downHandlers } from '../../node/link/handlers/index.js';
import { HubLink } from '../../node/link/hub-link.js';
import { importEnrolment } from '../../node/link/trust-material.js';
import { appendEvent, newEvent, outboxBacklog } from '../../node/services/outbox/outbox.js';
import { createEnrolmentRequest, HUB_ID, Identity, parseTopic, ready, sodium } from '../../protocol/index.js';
import { figure, median } from './measure.js';

const EVENTS = 20_000;
const ROUNDS = 3;

/** A realistic event of a mission: a file moving through its workflow. */
function sampleEvent(i: number) {
  return newEvent({
    kind: i % 4 === 0 ? 'appointment.booked' : 'file.transitioned',
    entity: i % 4 === 0 ? 'appointment' : 'file',
    entityId: `PAR-${(1_000_000 + i * 7919).toString(36).toUpperCase()}`,
    data: {
      serviceCode: ['passport-renewal', 'consular-card', 'visa-short-stay'][i % 3] ?? '',
      from: 'in_review',
      to: 'approved',
      agent: `agent-${i % 7}`,
    },
  });
}

/** One catch-up: EVENTS queued at a node, then the link connects; time until all are committed at the hub. */
async function catchUpOnce(database: string | undefined) {
  const dir = await mkdtemp(join(tmpdir(), 'econsulat-bench-'));
  const hub = Identity.generate(HUB_ID);
  const mission = Identity.generate('fr-paris');
  const db: Database = await openDatabase(database ? { databaseUrl: database } : {});
  const bundle = await enrolFromRequest(
    db,
    hub,
    createEnrolmentRequest(mission, 'Bench', new Date()),
    new Date(),
  );
  const { trust } = await loadTrustStore(db, hub.toPublic());
  trust.trust({ identity: hub.toPublic(), validFrom: 0, validUntil: Number.MAX_SAFE_INTEGER });
  let wireBytes = 0;
  const broker = await startBroker({ host: '127.0.0.1', port: 0, trust, events: { refused: () => {} } });
  broker.aedes.on('publish', (packet) => {
    if (parseTopic(packet.topic)?.kind === 'up') wireBytes += packet.payload.length;
  });
  const url = `mqtt://127.0.0.1:${broker.port}`;
  const hubLink = new HubIngestLink(db, hub, trust, { url, clientId: 'hub-bench' });
  await hubLink.start();
  const store = await openStore({ path: join(dir, 'mission.sqlite'), dataKey: sodium.randombytes_buf(32) });
  const material = importEnrolment(store, mission, bundle);
  let jsonBytes = 0;
  transaction(store.db, () => {
    for (let i = 0; i < EVENTS; i++) {
      const event = sampleEvent(i);
      jsonBytes += Buffer.byteLength(JSON.stringify(event));
      appendEvent(store, event);
    }
  });
  const link = new HubLink(
    {
      store,
      self: mission,
      hub: material.hub,
      trust: material.trust,
      now: Date.now,
      softwareVersion: 'bench',
      batch: { maxEvents: 1000, maxBytes: 512 * 1024 },
    },
    downHandlers(),
    { url, window: 16 },
  );
  const start = process.hrtime.bigint();
  link.start();
  for (;;) {
    const [row] = await db.query<{ n: number }>('SELECT count(*) AS n FROM mission_events');
    if (Number(row?.n) >= EVENTS) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  while (outboxBacklog(store).count > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  await link.stop();
  await hubLink.stop();
  await broker.close();
  store.close();
  await db.close();
  await rm(dir, { recursive: true, force: true });
  return {
    eventsPerSecond: EVENTS / seconds,
    wireRatio: wireBytes / jsonBytes,
    wireBytesPerEvent: wireBytes / EVENTS,
    jsonBytesPerEvent: jsonBytes / EVENTS,
  };
}

/** Catch-up after an outage: 20,000 queued events from one node committed at the hub. */
export async function benchSync(): Promise<void> {
  await ready();
  const database = process.env.DATABASE_URL;
  console.log(
    `sync: catch-up of ${figure(EVENTS)} queued events, node outbox → committed at the hub (${database ? 'PostgreSQL' : 'PGlite'}), ${ROUNDS} rounds`,
  );
  const runs = [];
  for (let round = 0; round < ROUNDS; round++) runs.push(await catchUpOnce(database));
  const last = runs.at(-1);
  console.log(
    `catch-up: median ${figure(median(runs.map((r) => r.eventsPerSecond)))} events/s (rounds: ${runs.map((r) => figure(r.eventsPerSecond)).join(', ')}; target ≥ 2,000)`,
  );
  console.log(
    `wire: ${last?.wireBytesPerEvent.toFixed(1)} B/event sealed vs ${last?.jsonBytesPerEvent.toFixed(1)} B/event plain JSON = ${((last?.wireRatio ?? 0) * 100).toFixed(1)} % (target ≤ 40 %)`,
  );
}
