import { randomBytes, randomUUID } from 'node:crypto';
import mqtt from 'mqtt';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../hub/db/database.js';
import type { IngestOutcome } from '../hub/ingest/ingest-types.js';
import { HubIngestLink } from '../hub/link/hub-link.js';
import { directiveWithStatus } from '../hub/services/directives/directive-status.js';
import { issueDirective } from '../hub/services/directives/issue-directive.js';
import { loadTrustStore } from '../hub/services/missions/trust-loader.js';
import type { HubLink } from '../node/link/hub-connection.js';
import { channelRow, heldCount } from '../node/link/link-store.js';
import { appendEvent, newEvent, outboxBacklog } from '../node/services/outbox/outbox.js';
import { enqueueMessage } from '../node/services/outbox/pending-messages.js';
import { HUB_ID, Identity, PRESENCE_OFFLINE, PRESENCE_ONLINE, parseTopic, ready } from '../protocol/index.js';
import { bookedData } from './_util/event-data.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { type EnrolledMission, enrolMission, uniqueMissionId } from './_util/mission-link.js';
import { announceSkip, testDatabaseUrl, testMqttUrl } from './_util/services.js';

if (!testMqttUrl) announceSkip('hub ↔ node link over Mosquitto', 'TEST_MQTT_URL');

/** Personal data the test puts in events and a registry submission: none may cross in clear. */
const PERSONAL = ['Ngaïkoumon', 'Bérénice', '+33612345678', '33612345678', '06 12 34 56 78', '1984-07-12'];

interface Captured {
  readonly topic: string;
  readonly payload: Buffer;
}

/** The broker is shared with other suites: every session a test leaves behind is removed. */
async function forgetSession(url: string, clientId: string): Promise<void> {
  const client = await mqtt.connectAsync(url, {
    clientId,
    clean: true,
    protocolVersion: 4,
    reconnectPeriod: 0,
  });
  await client.endAsync();
}

/**
 * A subscriber on `#`: what anyone with access to the broker sees from now on. Not the messages the
 * broker retained before (retain handling 2): on a broker shared with other suites they can be
 * thousands, and a broker queueing so many per client drops the live ones behind them.
 */
async function spyOnEverything(url: string, clientId: string, into: Captured[]): Promise<mqtt.MqttClient> {
  const spy = await mqtt.connectAsync(url, { clientId, clean: true, protocolVersion: 5, reconnectPeriod: 0 });
  spy.on('message', (topic, payload) => into.push({ topic, payload: Buffer.from(payload) }));
  await spy.subscribeAsync('#', { qos: 1, rh: 2 });
  return spy;
}

function containsInClear(payload: Buffer, text: string): boolean {
  return payload.includes(Buffer.from(text, 'utf8')) || payload.includes(Buffer.from(text, 'latin1'));
}

function isJson(payload: Buffer): boolean {
  try {
    JSON.parse(payload.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}

describe.runIf(testMqttUrl)('hub ↔ node link over Mosquitto (external broker)', () => {
  const url = testMqttUrl as string;
  const sessions: string[] = [];
  const hubLinks: HubIngestLink[] = [];
  const nodeLinks: HubLink[] = [];
  const clients: mqtt.MqttClient[] = [];
  let mission: EnrolledMission | undefined;
  let hubStore: TestStore | undefined;
  beforeAll(ready);
  afterEach(async () => {
    await Promise.all(nodeLinks.splice(0).map((link) => link.stop()));
    await Promise.all(hubLinks.splice(0).map((link) => link.stop()));
    await Promise.all(clients.splice(0).map((client) => client.endAsync()));
    await Promise.all(sessions.splice(0).map((clientId) => forgetSession(url, clientId)));
    await mission?.node.cleanup();
    await hubStore?.dispose();
    mission = hubStore = undefined;
  });

  /** Enrols a fresh mission at a fresh hub store; the hub's trust is read back from the store. */
  async function enrolledPair(store: TestStore) {
    const hub = Identity.generate(HUB_ID);
    mission = await enrolMission(store.db, hub, uniqueMissionId(), { maxEvents: 10, maxBytes: 64 * 1024 });
    sessions.push(mission.identity.partyId);
    const trustOf = async (db: Database) => (await loadTrustStore(db, hub.toPublic())).trust;
    return { hub, mission, trustOf };
  }

  function startNode(enrolled: EnrolledMission): HubLink {
    const link = enrolled.link({ url, reconnect: { baseMs: 100, maxMs: 1000 }, drainIntervalMs: 100 });
    nodeLinks.push(link);
    link.start();
    return link;
  }

  async function hubEventIds(db: Database, missionId: string): Promise<string[]> {
    const rows = await db.query<{ event_id: string }>(
      'SELECT event_id FROM mission_events WHERE mission_id = $1 ORDER BY event_id',
      [missionId],
    );
    return rows.map((row) => row.event_id);
  }

  function queuedEventIds(enrolled: EnrolledMission): string[] {
    const rows = enrolled.node.store.db.prepare('SELECT id FROM outbox ORDER BY id').all() as {
      id: string;
    }[];
    return rows.map((row) => row.id);
  }

  for (const backend of storeBackends('hub ↔ node link over Mosquitto')) {
    it(`delivers events once, carries a directive and its receipt, and shows the broker no personal data (${backend.name})`, async () => {
      hubStore = await migratedStore(backend);
      const { hub, mission, trustOf } = await enrolledPair(hubStore);
      const missionId = mission.identity.partyId;
      const suffix = randomBytes(4).toString('hex');
      const captured: Captured[] = [];
      clients.push(await spyOnEverything(url, `spy-${suffix}`, captured));

      const trust = await trustOf(hubStore.db);
      const hubLink = new HubIngestLink(hubStore.db, hub, trust, { url, clientId: `hub-${suffix}` });
      sessions.push(`hub-${suffix}`);
      hubLinks.push(hubLink);
      await hubLink.start();

      const { store } = mission.node;
      for (let i = 0; i < 60; i++) {
        appendEvent(
          store,
          newEvent({
            kind: 'registration.submitted',
            entity: 'registration',
            entityId: `IMM-${i}`,
            data: { applicant: `Bérénice Ngaïkoumon ${i}`, phone: '+33612345678', local: '06 12 34 56 78' },
          }),
        );
      }
      const submissionId = randomUUID();
      enqueueMessage(store, 'registry.submission', {
        submissionId,
        kind: 'registration',
        recordId: 'IMM-0',
        person: { givenNames: 'Bérénice', familyName: 'Ngaïkoumon', sex: 'F', birthDate: '1984-07-12' },
        submittedAt: new Date().toISOString(),
      });
      startNode(mission);

      const queued = queuedEventIds(mission);
      await expect.poll(() => hubEventIds(hubStore!.db, missionId), { timeout: 30_000 }).toEqual(queued);
      await expect.poll(() => outboxBacklog(store).count, { timeout: 10_000 }).toBe(0);
      await expect.poll(() => heldCount(store.db), { timeout: 10_000 }).toBe(0);
      const [submission] = await hubStore.db.query<{ family: string }>(
        "SELECT person->>'familyName' AS family FROM registry_submissions WHERE submission_id = $1",
        [submissionId],
      );
      expect(submission?.family).toBe('Ngaïkoumon');

      const issued = await issueDirective(
        hubStore.db,
        hub,
        trust,
        { title: { fr: 'Permanence consulaire' }, body: { fr: 'Ouverture le samedi.' }, target: [missionId] },
        'Direction des Centrafricains de l’étranger',
        new Date(),
      );
      for (const { missionId: to, envelope } of issued.envelopes) hubLink.publishDown(to, envelope);
      const directiveId = issued.directive.directiveId;
      await expect
        .poll(async () => (await directiveWithStatus(hubStore!.db, directiveId))?.missions[0]?.receivedAt, {
          timeout: 10_000,
        })
        .toBeTruthy();
      await expect.poll(() => heldCount(store.db), { timeout: 10_000 }).toBe(0);
      const [channel] = await hubStore.db.query<{ n: number }>(
        'SELECT applied_up_to AS n FROM channels WHERE mission_id = $1',
        [missionId],
      );
      expect(Number(channel?.n)).toBe(channelRow(store.db).next_send_seq - 1);

      // What the broker saw of this mission: sealed envelopes both ways, presence strings, nothing else.
      const ours = captured.filter((message) => parseTopic(message.topic)?.missionId === missionId);
      const kinds = new Set(ours.map((message) => parseTopic(message.topic)?.kind));
      expect([...kinds].sort()).toEqual(['down', 'presence', 'up']);
      for (const message of ours) {
        if (parseTopic(message.topic)?.kind === 'presence') {
          expect([PRESENCE_ONLINE, PRESENCE_OFFLINE]).toContain(message.payload.toString('utf8'));
        } else {
          expect(isJson(message.payload), `clear JSON on ${message.topic}`).toBe(false);
        }
      }
      for (const message of captured) {
        for (const text of PERSONAL)
          expect(containsInClear(message.payload, text), `${text} on ${message.topic}`).toBe(false);
      }
    });
  }

  it.runIf(testDatabaseUrl)(
    'shares the ingest between two hub workers on one database, each envelope applied once',
    async () => {
      const pg = storeBackends('shared ingest').find((backend) => backend.name === 'pg');
      if (!pg) throw new Error('TEST_DATABASE_URL is set but no PostgreSQL backend was built');
      hubStore = await migratedStore(pg);
      const reopen = hubStore.reopen;
      if (!reopen) throw new Error('the PostgreSQL test store cannot be reopened');
      const { hub, mission, trustOf } = await enrolledPair(hubStore);
      const missionId = mission.identity.partyId;
      const suffix = randomBytes(4).toString('hex');
      const shareGroup = `econsulat-test-${suffix}`;
      const outcomes: IngestOutcome[][] = [[], []];
      for (const [index, db] of [hubStore.db, reopen()].entries()) {
        const clientId = `hub-${suffix}-${index}`;
        const link = new HubIngestLink(db, hub, await trustOf(db), {
          url,
          clientId,
          shareGroup,
          onOutcome: (outcome) => {
            if ('missionId' in outcome && outcome.missionId === missionId) outcomes[index]?.push(outcome);
          },
        });
        sessions.push(clientId);
        hubLinks.push(link);
        await link.start();
      }

      const { store } = mission.node;
      for (let i = 0; i < 300; i++) {
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
      startNode(mission);
      const queued = queuedEventIds(mission);
      // Shorter than the node's resend timer (30 s): an envelope left waiting for it fails here.
      await expect.poll(() => hubEventIds(hubStore!.db, missionId), { timeout: 20_000 }).toEqual(queued);
      await expect.poll(() => outboxBacklog(store).count, { timeout: 5_000 }).toBe(0);
      await expect.poll(() => heldCount(store.db), { timeout: 5_000 }).toBe(0);

      // Every sequence the node numbered was applied by exactly one of the two workers, once.
      const sent = channelRow(store.db).next_send_seq - 1;
      const applied = outcomes
        .flat()
        .flatMap((outcome) => (outcome.status === 'applied' ? [outcome.seq] : []))
        .sort((a, b) => a - b);
      expect(applied).toEqual(Array.from({ length: sent }, (_, i) => i + 1));
      expect(outcomes[0]?.length).toBeGreaterThan(0);
      expect(outcomes[1]?.length).toBeGreaterThan(0);
    },
  );
});
