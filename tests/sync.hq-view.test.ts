import { chmod } from 'node:fs/promises';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hubConfigSchema } from '../hub/config/config.js';
import { createHub, type MinistryHub } from '../hub/index.js';
import { recordEnrolment } from '../hub/services/missions/enrol.js';
import { hubSecretsKey } from '../hub/services/missions/hub-secrets-key.js';
import type { MissionStatus } from '../hub/services/missions/list-missions.js';
import { bootstrapUser } from '../hub/services/users/index.js';
import { nodePaths } from '../node/config/config.js';
import { openStore } from '../node/db/store.js';
import { createNode, type MissionNode } from '../node/index.js';
import { importEnrolment } from '../node/link/trust-material.js';
import { seedCalendars } from '../node/services/appointments/calendar-seed.js';
import { seedCatalogue } from '../node/services/catalogue/seed.js';
import { HUB_ID, Identity, ready, sodium } from '../protocol/index.js';
import { applicant, codeFor } from './_util/appointments.js';
import { enrolmentBundleFor } from './_util/enrolment.js';
import { scrapeUrl, TEST_METRICS_TOKEN } from './_util/metrics-scrape.js';
import { parisNodeConfig } from './_util/node-app.js';
import { makeTempDir, type TempDir } from './_util/node-store.js';
import { loginBearer } from './_util/processes/hub-database.js';
import { metricSample } from './_util/rogue-client.js';

/**
 * The node drains its outbox every second (node/link/hub-link.ts); one sync cycle is that plus a
 * round trip. The bound below is several cycles: it says the figures converge, with room for a
 * loaded machine, and is no measure of how fast (that is a benchmark's job).
 */
const CONVERGED_WITHIN_MS = 15_000;

/**
 * What the node says of itself on its /metrics (polled here every 100 ms: /healthz, limited per
 * client, is for supervisors). `lastSentAt` in seconds, as the hub's last-seen gauge has it.
 */
interface NodeView {
  readonly connected: boolean;
  readonly backlog: number | undefined;
  readonly lastSentAt: number | undefined;
}

/** The same mission seen from its node, the hub's API and the hub's /metrics at one moment. */
interface Views {
  readonly node: NodeView;
  readonly api: MissionStatus;
  readonly metrics: { backlog?: number; lastSeen?: number; online?: number };
}

describe('HQ sees the truth', () => {
  let hubDir: TempDir | undefined;
  let nodeDir: TempDir | undefined;
  let hub: MinistryHub | undefined;
  let node: MissionNode | undefined;
  beforeAll(ready);
  afterEach(async () => {
    await node?.close();
    await hub?.close();
    await nodeDir?.cleanup();
    await hubDir?.cleanup();
    hub = node = hubDir = nodeDir = undefined;
  });

  it('shows the node’s own backlog and last message at the hub within a sync cycle after a burst of bookings', async () => {
    // The hub, as `econsulat hub` runs it: HTTP API, embedded broker, its own database.
    hubDir = await makeTempDir('econsulat-hub-');
    // The hub's embedded database server runs as a system user of its own: let it through.
    await chmod(hubDir.dir, 0o711);
    const hubIdentity = Identity.generate(HUB_ID);
    hub = await createHub(
      hubConfigSchema.parse({
        dataDir: hubDir.dir,
        http: { host: '127.0.0.1', port: 0 },
        mqtt: { mode: 'embedded', host: '127.0.0.1', port: 0 },
        logLevel: 'silent',
        metrics: { token: TEST_METRICS_TOKEN },
      }),
      hubIdentity,
    );
    const hubUrl = (await hub.start()).replace(/\/$/, '');
    const { db, broker } = hub.context;
    const director = await bootstrapUser(db, {
      username: 'directrice',
      displayName: 'Directrice',
      roles: ['directorate'],
      secretsKey: hubSecretsKey(hubIdentity),
      now: new Date(),
    });
    const auth = await loginBearer(hubUrl, director);

    // The mission, enrolled as `hub enrol` then `node import-enrolment` would, seeded, not started.
    nodeDir = await makeTempDir('econsulat-node-');
    const config = parisNodeConfig(nodeDir.dir, {
      http: { host: '127.0.0.1', port: 0 },
      mqtt: { url: `mqtt://127.0.0.1:${broker?.port}` },
    });
    const secrets = { identity: Identity.generate(config.missionId), dataKey: sodium.randombytes_buf(32) };
    const bundle = enrolmentBundleFor(hubIdentity, secrets.identity);
    await recordEnrolment(db, hubIdentity.toPublic(), bundle.certificate);
    await hub.context.reloadTrust();
    const store = await openStore({ path: nodePaths(config).database, dataKey: secrets.dataKey });
    importEnrolment(store, secrets.identity, bundle);
    seedCatalogue(store, { hostCurrency: config.hostCurrency });
    seedCalendars(store);
    store.close();
    node = await createNode(config, secrets);
    const started = node;

    const slots = await freeSlots(started);
    let applicants = 0;
    /** One booking through the public API, confirmed with the code its SMS carries. */
    const bookOne = async (): Promise<void> => {
      const n = ++applicants;
      const slotStart = slots[n % slots.length];
      const held = await started.app.inject({
        method: 'POST',
        url: '/api/v1/appointments',
        payload: { service: 'passport-renewal', slotStart, ...applicant(n) },
      });
      expect(held.statusCode).toBe(201);
      const { reference } = held.json() as { reference: string };
      const confirmed = await started.app.inject({
        method: 'POST',
        url: `/api/v1/appointments/${reference}/confirm`,
        payload: { code: codeFor(started.context.store, reference) },
      });
      expect(confirmed.statusCode).toBe(200);
    };

    // Bookings taken while the link is down: the hello the node sends on connecting counts them.
    for (let i = 0; i < 3; i++) await bookOne();
    const nodeUrl = (await started.start()).replace(/\/$/, '');
    const health = async (): Promise<NodeView> => {
      const text = await scrapeUrl(nodeUrl, TEST_METRICS_TOKEN);
      const labels = { mission: config.missionId };
      return {
        connected: metricSample(text, 'econsulat_link_connected', labels) === 1,
        backlog: metricSample(text, 'econsulat_outbox_backlog_events', labels),
        lastSentAt: metricSample(text, 'econsulat_link_last_sent_timestamp_seconds', labels),
      };
    };
    expect((await health()).backlog).toBeGreaterThan(0);

    const views = async (): Promise<Views> => {
      const node = await health();
      const api = await missionAtHub(hubUrl, auth, config.missionId);
      const text = await scrapeUrl(hubUrl, TEST_METRICS_TOKEN);
      const labels = { mission: config.missionId };
      return {
        node,
        api,
        metrics: {
          backlog: metricSample(text, 'econsulat_hub_mission_backlog_events', labels),
          lastSeen: metricSample(text, 'econsulat_hub_mission_last_seen_timestamp_seconds', labels),
          online: metricSample(text, 'econsulat_hub_mission_online', labels),
        },
      };
    };
    const agree = ({ node, api, metrics }: Views) =>
      node.connected &&
      node.backlog === 0 &&
      node.lastSentAt !== undefined &&
      api.online &&
      api.backlog === node.backlog &&
      api.lastSeenAt !== null &&
      Date.parse(api.lastSeenAt) / 1000 === node.lastSentAt &&
      metrics.online === 1 &&
      metrics.backlog === node.backlog &&
      metrics.lastSeen === node.lastSentAt;

    await expect.poll(views, { timeout: CONVERGED_WITHIN_MS, interval: 100 }).toSatisfy(agree);
    const afterCatchUp = await views();
    expect(afterCatchUp.api.lastSyncAt).not.toBeNull();

    // A burst of bookings through the node's public API, over HTTP, all at once.
    const before = (await health()).lastSentAt ?? 0;
    await Promise.all(Array.from({ length: 6 }, bookOne));
    await expect
      .poll(views, { timeout: CONVERGED_WITHIN_MS, interval: 100 })
      .toSatisfy((v: Views) => agree(v) && (v.node.lastSentAt ?? 0) > before);
    const after = await views();
    expect(after.api.eventsReceived).toBeGreaterThan(afterCatchUp.api.eventsReceived);
    expect(Date.parse(after.api.lastSyncAt ?? '')).toBeGreaterThan(
      Date.parse(afterCatchUp.api.lastSyncAt ?? ''),
    );

    // The node says goodbye: its offline presence is newer than its last message.
    await started.close();
    node = undefined;
    await expect
      .poll(async () => (await missionAtHub(hubUrl, auth, config.missionId)).online, {
        timeout: CONVERGED_WITHIN_MS,
      })
      .toBe(false);
  });
});

/** The mission as `GET /api/v1/missions` lists it. */
async function missionAtHub(
  hubUrl: string,
  auth: Record<string, string>,
  missionId: string,
): Promise<MissionStatus> {
  const { missions } = await fetchJson<{ missions: MissionStatus[] }>(`${hubUrl}/api/v1/missions`, {
    headers: auth,
  });
  const found = missions.find((m) => m.id === missionId);
  if (!found) throw new Error(`${missionId} is not listed`);
  return found;
}

/** Slot starts with places left in the coming weeks, from the node's public API. */
async function freeSlots(node: MissionNode): Promise<string[]> {
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  const response = await node.app.inject({
    method: 'GET',
    url: `/api/v1/slots?service=passport-renewal&from=${day(1)}&to=${day(20)}`,
  });
  const { slots } = response.json() as { slots: { start: string; remaining: number }[] };
  const free = slots.filter((slot) => slot.remaining > 0).map((slot) => slot.start);
  if (free.length === 0) throw new Error('no free slot in the seeded calendar');
  return free;
}

async function fetchJson<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}
