import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedBroker, startBroker } from '../hub/broker/broker.js';
import type { Database } from '../hub/db/database.js';
import { HubIngestLink } from '../hub/link/hub-link.js';
import { recordEnrolment } from '../hub/services/missions/enrol.js';
import { loadTrustStore } from '../hub/services/missions/trust-loader.js';
import { createDataKeyFile } from '../node/crypto/key-file.js';
import { downHandlers } from '../node/link/handlers/index.js';
import { HubLink } from '../node/link/hub-connection.js';
import { importEnrolment } from '../node/link/trust-material.js';
import { appendEvent, newEvent } from '../node/services/outbox/outbox.js';
import { writeKeyFile } from '../ops/keys/key-file.js';
import { HUB_ID, Identity, ready } from '../protocol/index.js';
import { enrolmentBundleFor } from './_util/enrolment.js';
import { bookedData } from './_util/event-data.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { readNodeLinkState } from './_util/node-link-state.js';
import { makeTempDir, openTempStore, type TempDir, type TempStore } from './_util/node-store.js';
import { NODE_FILES } from './_util/processes/child-protocol.js';
import type { HubIngestChildConfig } from './_util/processes/hub-ingest.js';
import type { NodeLinkChildConfig } from './_util/processes/node-link.js';
import { slowTransactions } from './_util/processes/slow-database.js';
import { killHard, killLeftoverChildren, startChild, stopChild } from './_util/processes/spawn-child.js';
import { announceSkip, testDatabaseUrl } from './_util/services.js';

/** A mission id of the shape protocol accepts, unique to one test. */
function uniqueMissionId(): string {
  return `fr-t${randomBytes(5).toString('hex')}`;
}

/** A hub identity, an enrolled mission, and a broker trusting both, on a free port. */
async function enrolAndStartBroker(db: Database) {
  const hub = Identity.generate(HUB_ID);
  const mission = Identity.generate(uniqueMissionId());
  const bundle = enrolmentBundleFor(hub, mission);
  await recordEnrolment(db, hub.toPublic(), bundle.certificate);
  const { trust } = await loadTrustStore(db, hub.toPublic());
  trust.trust({ identity: hub.toPublic(), validFrom: 0, validUntil: Number.MAX_SAFE_INTEGER });
  const broker = await startBroker({ host: '127.0.0.1', port: 0, trust, events: { refused: () => {} } });
  return { hub, mission, bundle, trust, broker, url: `mqtt://127.0.0.1:${broker.port}` };
}

/** The hub's replicas of one mission's events: how many rows, how many distinct ids, which ids. */
async function hubEvents(db: Database, missionId: string) {
  const rows = await db.query<{ event_id: string }>(
    'SELECT event_id::text AS event_id FROM mission_events WHERE mission_id = $1',
    [missionId],
  );
  const ids = rows.map((row) => row.event_id);
  return { rows: ids.length, distinct: new Set(ids).size, ids: new Set(ids) };
}

async function hubEventCount(db: Database, missionId: string): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    'SELECT count(*) AS n FROM mission_events WHERE mission_id = $1',
    [missionId],
  );
  return Number(row?.n ?? 0);
}

/** Replays after a crash are duplicates, answered with an ack: never refusals. */
async function hubRefusals(db: Database): Promise<number> {
  const [row] = await db.query<{ n: number }>('SELECT coalesce(sum(count), 0) AS n FROM ingest_refusals');
  return Number(row?.n ?? 0);
}

async function hubAppliedUpTo(db: Database, missionId: string): Promise<number> {
  const [row] = await db.query<{ applied_up_to: number }>(
    'SELECT applied_up_to FROM channels WHERE mission_id = $1',
    [missionId],
  );
  return Number(row?.applied_up_to ?? 0);
}

/** Every id the node queued is at the hub exactly once, and nothing else is. */
async function expectExactlyOnce(db: Database, missionId: string, queuedIds: readonly string[]) {
  const hub = await hubEvents(db, missionId);
  expect(hub.rows).toBe(queuedIds.length);
  expect(hub.distinct).toBe(queuedIds.length);
  expect(queuedIds.filter((id) => !hub.ids.has(id))).toEqual([]);
  expect(await hubRefusals(db)).toBe(0);
}

// Two process starts, a kill and a full catch-up on a noisy machine: a safety net, not a measure.
const CRASH_TEST_TIMEOUT_MS = 300_000;

beforeAll(ready);

for (const backend of storeBackends('node killed mid-delivery')) {
  describe(`kill -9 of the node process mid-delivery (${backend.name} hub)`, () => {
    let hubStore: TestStore | undefined;
    let broker: EmbeddedBroker | undefined;
    let hubLink: HubIngestLink | undefined;
    let temp: TempDir | undefined;
    afterEach(async () => {
      await killLeftoverChildren();
      await hubLink?.stop();
      await broker?.close();
      await hubStore?.dispose();
      await temp?.cleanup();
      hubStore = broker = hubLink = temp = undefined;
    });

    it(
      'delivers each of the 500 queued events exactly once after the node is killed and restarted',
      async () => {
        const total = 500;
        hubStore = await migratedStore(backend);
        const setup = await enrolAndStartBroker(hubStore.db);
        broker = setup.broker;
        const missionId = setup.mission.partyId;
        hubLink = new HubIngestLink(slowTransactions(hubStore.db, 20), setup.hub, setup.trust, {
          url: setup.url,
          clientId: `hub-${missionId}`,
        });
        await hubLink.start();

        temp = await makeTempDir('econsulat-kill-node-');
        await createDataKeyFile(join(temp.dir, NODE_FILES.dataKey));
        await writeKeyFile(join(temp.dir, NODE_FILES.missionKey), setup.mission);
        await writeFile(join(temp.dir, NODE_FILES.enrolment), JSON.stringify(setup.bundle));
        const config: NodeLinkChildConfig = {
          dir: temp.dir,
          brokerUrl: setup.url,
          append: total,
          batchEvents: 5,
        };
        const database = join(temp.dir, NODE_FILES.database);
        const db = hubStore.db;

        const first = await startChild('./node-link.ts', config);
        await expect
          .poll(() => hubEventCount(db, missionId), { timeout: 60_000, interval: 20 })
          .toBeGreaterThan(100);
        await killHard(first);

        // Killed mid-delivery: events still waiting in its outbox.
        const afterKill = readNodeLinkState(database);
        expect(afterKill.queued).toBe(total);
        expect(afterKill.undelivered).toBeGreaterThan(0);

        const second = await startChild('./node-link.ts', { ...config, append: 0 });
        await expect
          .poll(() => readNodeLinkState(database), { timeout: 60_000 })
          .toMatchObject({ undelivered: 0, held: 0 });
        expect(await stopChild(second)).toBe(0);

        const final = readNodeLinkState(database);
        expect(final.ids).toEqual(afterKill.ids);
        await expectExactlyOnce(db, missionId, final.ids);
        // Each sealed envelope applied once, in order: the hub's channel stands at the node's last seq.
        expect(await hubAppliedUpTo(db, missionId)).toBe(final.sealed);
        expect(final.ackedUpTo).toBe(final.sealed);
      },
      CRASH_TEST_TIMEOUT_MS,
    );
  });
}

describe.skipIf(!testDatabaseUrl)('kill -9 of the hub process mid-ingest (PostgreSQL)', () => {
  let hubStore: TestStore | undefined;
  let broker: EmbeddedBroker | undefined;
  let nodeLink: HubLink | undefined;
  let node: TempStore | undefined;
  let temp: TempDir | undefined;
  afterEach(async () => {
    await killLeftoverChildren();
    await nodeLink?.stop();
    await broker?.close();
    await node?.cleanup();
    await hubStore?.dispose();
    await temp?.cleanup();
    hubStore = broker = nodeLink = node = temp = undefined;
  });

  it(
    'keeps every event exactly once when the hub is killed while ingesting and restarted',
    async () => {
      const total = 3000;
      const backend = storeBackends('hub killed mid-ingest').find((candidate) => candidate.name === 'pg');
      if (!backend) throw new Error('TEST_DATABASE_URL is set but no PostgreSQL backend was offered');
      hubStore = await migratedStore(backend);
      const db = hubStore.db;
      // The store lives in its own schema (search_path): the hub process works in the same one.
      const [{ schema } = { schema: '' }] = await db.query<{ schema: string }>(
        'SELECT current_schema() AS schema',
      );
      const setup = await enrolAndStartBroker(db);
      broker = setup.broker;
      const missionId = setup.mission.partyId;

      temp = await makeTempDir('econsulat-kill-hub-');
      const hubKeyFile = join(temp.dir, 'hub.key');
      await writeKeyFile(hubKeyFile, setup.hub);
      const hubConfig: HubIngestChildConfig = {
        connectionString: testDatabaseUrl ?? '',
        schema,
        hubKeyFile,
        brokerUrl: setup.url,
        clientId: `hub-${missionId}`,
        pauseMs: 10,
      };

      node = await openTempStore();
      const { store } = node;
      const material = importEnrolment(store, setup.mission, setup.bundle);
      store.db.transaction(() => {
        for (let i = 0; i < total; i++) {
          appendEvent(
            store,
            newEvent({
              kind: 'appointment.booked',
              entity: 'appointment',
              entityId: `RDV-${i}`,
              data: bookedData({ i }),
            }),
          );
        }
      })();
      nodeLink = new HubLink(
        {
          store,
          self: setup.mission,
          hub: material.hub,
          trust: material.trust,
          now: Date.now,
          softwareVersion: 'kill-test',
          batch: { maxEvents: 20, maxBytes: 256 * 1024 },
        },
        downHandlers(),
        {
          url: setup.url,
          reconnect: { baseMs: 100, maxMs: 1000 },
          drainIntervalMs: 100,
          resendAfterMs: 1000,
        },
      );

      const first = await startChild('./hub-ingest.ts', hubConfig);
      nodeLink.start();
      await expect
        .poll(() => hubEventCount(db, missionId), { timeout: 60_000, interval: 20 })
        .toBeGreaterThan(600);
      await killHard(first);
      // Killed mid-ingest: the hub had not committed everything.
      expect(await hubEventCount(db, missionId)).toBeLessThan(total);

      const second = await startChild('./hub-ingest.ts', hubConfig);
      await expect.poll(() => hubEventCount(db, missionId), { timeout: 90_000 }).toBe(total);
      await expect
        .poll(() => readNodeLinkState(node?.path ?? ''), { timeout: 60_000 })
        .toMatchObject({ undelivered: 0, held: 0 });
      expect(await stopChild(second)).toBe(0);

      const final = readNodeLinkState(node.path);
      expect(final.queued).toBe(total);
      await expectExactlyOnce(db, missionId, final.ids);
      expect(await hubAppliedUpTo(db, missionId)).toBe(final.sealed);
      expect(final.ackedUpTo).toBe(final.sealed);
    },
    CRASH_TEST_TIMEOUT_MS,
  );
});

if (!testDatabaseUrl) announceSkip('kill -9 of the hub process mid-ingest', 'TEST_DATABASE_URL');
