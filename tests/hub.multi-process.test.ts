import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Database } from '../hub/db/database.js';
import { ready } from '../protocol/index.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { scrapeUrl, TEST_METRICS_TOKEN } from './_util/metrics-scrape.js';
import {
  appliedEffects,
  appliedEventCount,
  applyOrder,
  directorateUser,
  enrolMissions,
  envelopeOutcome,
  forgetSessions,
  type HubChild,
  leaseHolders,
  leasesBalanced,
  logIn,
  type MultiHubSetup,
  metricValue,
  missionsStatus,
  pgUrlInSchema,
  recordApplyOrder,
  startHubChild,
} from './_util/multi-hub.js';
import { readNodeLinkState } from './_util/node-link-state.js';
import { makeTempDir, type TempDir } from './_util/node-store.js';
import { NODE_FILES } from './_util/processes/child-protocol.js';
import type { MissionNodesChildConfig } from './_util/processes/mission-nodes.js';
import { killHard, killLeftoverChildren, startChild, stopChild } from './_util/processes/spawn-child.js';
import { announceSkip, testDatabaseUrl, testMqttUrl } from './_util/services.js';

if (!testDatabaseUrl || !testMqttUrl)
  announceSkip('several hub processes', 'TEST_DATABASE_URL and TEST_MQTT_URL');

const MISSIONS = 5;
/** Events each mission catches up; 1,000 × 5 missions is the 5,000 (lower it to iterate). */
const EVENTS_PER_MISSION = Number(process.env.HUB_MULTI_PROCESS_EVENTS ?? 1000);
/** Short leases so that a test's hand-off takes seconds; production defaults to 15 s and 3 s. */
const LEASE_SECONDS = 6;
const RENEW_SECONDS = 2;
const TEST_TIMEOUT_MS = 300_000;

beforeAll(ready);

describe.runIf(testDatabaseUrl && testMqttUrl)('several hub processes on PostgreSQL and Mosquitto', () => {
  const brokerUrl = testMqttUrl as string;
  let store: TestStore | undefined;
  let temp: TempDir | undefined;
  let setup: MultiHubSetup | undefined;
  afterEach(async () => {
    await killLeftoverChildren();
    if (setup)
      await forgetSessions(
        brokerUrl,
        setup.missions.map((mission) => mission.id),
      ).catch(() => undefined);
    await store?.dispose();
    await temp?.cleanup();
    store = temp = setup = undefined;
  });

  /** A schema of its own, its apply order recorded, five missions enrolled, one ministry user. */
  async function prepare() {
    const backend = storeBackends('several hub processes').find((candidate) => candidate.name === 'pg');
    if (!backend) throw new Error('TEST_DATABASE_URL is set but no PostgreSQL backend was offered');
    store = await migratedStore(backend);
    const db = store.db;
    const [{ schema } = { schema: '' }] = await db.query<{ schema: string }>(
      'SELECT current_schema() AS schema',
    );
    await recordApplyOrder(db);
    temp = await makeTempDir('econsulat-multi-hub-');
    setup = await enrolMissions(db, temp.dir, MISSIONS);
    const user = await directorateUser(db, setup.hub);
    const databaseUrl = pgUrlInSchema(testDatabaseUrl as string, schema);
    return { db, setup, user, databaseUrl };
  }

  function startHubs(count: number, dataDir: string, databaseUrl: string): Promise<HubChild[]> {
    return Promise.all(
      Array.from({ length: count }, () =>
        startHubChild({
          dataDir,
          databaseUrl,
          brokerUrl,
          roles: ['ingest', 'web', 'jobs'],
          metricsToken: TEST_METRICS_TOKEN,
          leaseSeconds: LEASE_SECONDS,
          renewSeconds: RENEW_SECONDS,
        }),
      ),
    );
  }

  function startMissions(setup: MultiHubSetup) {
    const config: MissionNodesChildConfig = {
      dirs: setup.missions.map((mission) => mission.dir),
      brokerUrl,
      append: EVENTS_PER_MISSION,
      // Small batches: many envelopes per mission, so a kill lands between them.
      batchEvents: 5,
      resendAfterMs: 30_000,
    };
    return startChild('./mission-nodes.ts', config, 120_000);
  }

  function nodeStates(setup: MultiHubSetup) {
    return setup.missions.map((mission) => readNodeLinkState(join(mission.dir, NODE_FILES.database)));
  }

  /** Every node's outbox delivered and every envelope acknowledged. */
  function allDelivered(setup: MultiHubSetup): boolean {
    return nodeStates(setup).every((state) => state.undelivered === 0 && state.held === 0);
  }

  /** Nothing lost, nothing doubled, every channel applied in order, for each mission. */
  async function expectExactlyOnceInOrder(db: Database, setup: MultiHubSetup) {
    const states = nodeStates(setup);
    for (const [index, mission] of setup.missions.entries()) {
      const state = states[index];
      expect(state?.queued).toBe(EVENTS_PER_MISSION);
      expect(await appliedEffects(db, mission.id)).toEqual({
        rows: EVENTS_PER_MISSION,
        distinctIds: EVENTS_PER_MISSION,
        rolledUp: EVENTS_PER_MISSION,
      });
      // Each envelope applied once, right after the one before it, up to the last the node sealed.
      const order = await applyOrder(db, mission.id);
      expect(order.length).toBe(state?.sealed);
      const outOfOrder = order.filter(
        (step, i) => step.from !== (order[i - 1]?.to ?? 0) || step.to !== step.from + 1,
      );
      expect(outOfOrder).toEqual([]);
      expect(order.at(-1)?.to).toBe(state?.sealed);
    }
    const [refused] = await db.query<{ n: number }>(
      'SELECT coalesce(sum(count), 0) AS n FROM ingest_refusals',
    );
    expect(Number(refused?.n)).toBe(0);
  }

  /** A websocket on one process's live feed, with the notices it receives. */
  async function openLiveFeed(baseUrl: string, token: string) {
    const url = `${baseUrl.replace(/^http/, 'ws')}/web/live`;
    const socket = new WebSocket(url, { headers: { cookie: `econsulat_hub_session=${token}` } });
    const notices: { missionId: string; topic: string }[] = [];
    socket.on('message', (data) => notices.push(JSON.parse(String(data))));
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return { socket, notices };
  }

  it(
    'two processes share five missions catching up 5,000 events: each applied once, in order, with no duplicate or resend round',
    async () => {
      const { db, setup, user, databaseUrl } = await prepare();
      const hubs = await startHubs(2, setup.hubDir, databaseUrl);
      await expect.poll(() => leasesBalanced(db, MISSIONS, 2), { timeout: 60_000, interval: 250 }).toBe(true);
      const [first, second] = hubs as [HubChild, HubChild];
      const token = await logIn(first.url, user);
      const live = await openLiveFeed(second.url, token);

      const missions = await startMissions(setup);
      await expect.poll(() => allDelivered(setup), { timeout: 180_000, interval: 500 }).toBe(true);
      expect(await stopChild(missions)).toBe(0);
      await expectExactlyOnceInOrder(db, setup);

      // Steady state: one subscriber per mission, so nothing arrived twice or ahead of its turn.
      let leasesHeld = 0;
      for (const hub of hubs) {
        const metrics = await scrapeUrl(hub.url, TEST_METRICS_TOKEN);
        expect(envelopeOutcome(metrics, 'applied')).toBeGreaterThan(0);
        expect({
          duplicate: envelopeOutcome(metrics, 'duplicate'),
          gap: envelopeOutcome(metrics, 'gap'),
          leaseLost: metricValue(metrics, 'econsulat_hub_ingest_lease_lost_envelopes_total'),
        }).toEqual({ duplicate: 0, gap: 0, leaseLost: 0 });
        leasesHeld += metricValue(metrics, 'econsulat_hub_ingest_leases_held');
      }
      expect(leasesHeld).toBe(MISSIONS);
      // The session opened on the first process serves on the second; a made-up one is refused.
      expect(await missionsStatus(second.url, token)).toBe(200);
      expect(await missionsStatus(second.url, 'A'.repeat(43))).toBe(401);
      // The second process's dashboards heard of the first one's missions (LISTEN/NOTIFY).
      const holders = await leaseHolders(db);
      const ofFirst = [...holders].filter(([, holder]) => holder === first.holder).map(([id]) => id);
      expect(ofFirst.length).toBeGreaterThan(0);
      expect(
        live.notices.some((notice) => ofFirst.includes(notice.missionId) && notice.topic === 'events'),
      ).toBe(true);
      live.socket.close();
      for (const hub of hubs) expect(await stopChild(hub.child)).toBe(0);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'three processes, one killed with -9 mid catch-up: its missions move to the others, nothing lost or doubled, every channel in order, its sessions still valid',
    async () => {
      const { db, setup, user, databaseUrl } = await prepare();
      const hubs = await startHubs(3, setup.hubDir, databaseUrl);
      await expect.poll(() => leasesBalanced(db, MISSIONS, 3), { timeout: 60_000, interval: 250 }).toBe(true);
      const [victim, ...survivors] = hubs as [HubChild, HubChild, HubChild];
      const token = await logIn(victim.url, user);
      const live = await openLiveFeed((survivors[1] as HubChild).url, token);

      const missions = await startMissions(setup);
      const total = MISSIONS * EVENTS_PER_MISSION;
      await expect
        .poll(() => appliedEventCount(db), { timeout: 120_000, interval: 50 })
        .toBeGreaterThan(total * 0.3);
      const victimMissions = [...(await leaseHolders(db))].filter(([, holder]) => holder === victim.holder);
      expect(victimMissions.length).toBeGreaterThan(0);
      await killHard(victim.child);
      const killedAt = await appliedEventCount(db);
      expect(killedAt).toBeLessThan(total);

      await expect.poll(() => allDelivered(setup), { timeout: 180_000, interval: 500 }).toBe(true);
      expect(await stopChild(missions)).toBe(0);
      await expectExactlyOnceInOrder(db, setup);

      // The dead process's missions are held by the survivors now.
      const holders = await leaseHolders(db);
      expect([...holders.values()].filter((holder) => holder === victim.holder)).toEqual([]);
      expect(new Set(holders.values())).toEqual(new Set(survivors.map((hub) => hub.holder)));
      // The session the dead process issued is in the database: the survivors serve it.
      for (const hub of survivors) expect(await missionsStatus(hub.url, token)).toBe(200);
      expect(live.notices.length).toBeGreaterThan(0);
      live.socket.close();
      for (const hub of survivors) expect(await stopChild(hub.child)).toBe(0);
    },
    TEST_TIMEOUT_MS,
  );
});
