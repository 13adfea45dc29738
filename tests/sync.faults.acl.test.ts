import type mqtt from 'mqtt';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHub, type MinistryHub } from '../hub/index.js';
import { directiveWithStatus } from '../hub/services/directives/directive-status.js';
import { issueDirective } from '../hub/services/directives/issue-directive.js';
import type { HubLink } from '../node/link/hub-connection.js';
import { heldCount } from '../node/link/link-store.js';
import { appendEvent, newEvent } from '../node/services/outbox/outbox.js';
import {
  decodeHeader,
  downTopic,
  HUB_ID,
  Identity,
  PRESENCE_OFFLINE,
  presenceTopic,
  ready,
  seal,
  upTopic,
} from '../protocol/index.js';
import { bookedData } from './_util/event-data.js';
import { bookingEvents, throwawayHubConfig } from './_util/hub-fixtures.js';
import { scrapeApp } from './_util/metrics-scrape.js';
import { type EnrolledMission, enrolMission, uniqueMissionId } from './_util/mission-link.js';
import { makeTempDir, type TempDir } from './_util/node-store.js';
import { connectAs, endQuietly, metricSample } from './_util/rogue-client.js';

describe('a mission reaching for another mission’s topics', () => {
  let dir: TempDir | undefined;
  let hub: MinistryHub | undefined;
  const missions: EnrolledMission[] = [];
  const links: HubLink[] = [];
  const clients: mqtt.MqttClient[] = [];
  beforeAll(ready);
  afterEach(async () => {
    await Promise.all(links.splice(0).map((link) => link.stop()));
    await Promise.all(clients.splice(0).map((client) => endQuietly(client)));
    await hub?.close();
    await Promise.all(missions.splice(0).map((mission) => mission.node.cleanup()));
    await dir?.cleanup();
    hub = dir = undefined;
  });

  it('is refused by the broker, counted, and nothing of it lands in the victim’s replicas', async () => {
    dir = await makeTempDir('econsulat-hub-');
    const hubIdentity = Identity.generate(HUB_ID);
    hub = await createHub(throwawayHubConfig(dir.dir), hubIdentity);
    const { db, broker, trust } = hub.context;
    const url = `mqtt://127.0.0.1:${broker?.port}`;
    const victim = await enrolMission(db, hubIdentity, uniqueMissionId('fr'));
    const attacker = await enrolMission(db, hubIdentity, uniqueMissionId('cm'));
    missions.push(victim, attacker);
    await hub.context.reloadTrust();
    const victimId = victim.identity.partyId;
    const attackerId = attacker.identity.partyId;

    const brokerRefusals = async (kind: string) => {
      const text = await scrapeApp(hub!.context.app);
      return metricSample(text, 'econsulat_hub_broker_refusals_total', { kind }) ?? 0;
    };
    const eventsOf = async (missionId: string) =>
      (
        await db.query<{ event_id: string }>(
          'SELECT event_id FROM mission_events WHERE mission_id = $1 ORDER BY event_id',
          [missionId],
        )
      ).map((row) => row.event_id);
    const issueTo = async (missionId: string, title: string) => {
      const issued = await issueDirective(
        db,
        hubIdentity,
        trust,
        { title: { fr: title }, body: { fr: 'Consigne de test.' }, target: [missionId] },
        'Direction des Centrafricains de l’étranger',
        new Date(),
      );
      for (const { missionId: to, envelope } of issued.envelopes) hub?.context.link.publishDown(to, envelope);
      return issued.directive.directiveId;
    };
    const receivedAt = async (directiveId: string) =>
      (await directiveWithStatus(db, directiveId))?.missions[0]?.receivedAt;

    // Both missions are real, live nodes with traffic of their own.
    const victimEvents = bookingEvents(10);
    for (const event of victimEvents) appendEvent(victim.node.store, event);
    for (const event of bookingEvents(10)) appendEvent(attacker.node.store, event);
    const victimLink = victim.link({ url, reconnect: { baseMs: 100, maxMs: 1000 }, drainIntervalMs: 100 });
    const attackerLink = attacker.link({
      url,
      reconnect: { baseMs: 100, maxMs: 1000 },
      drainIntervalMs: 100,
    });
    links.push(victimLink, attackerLink);
    victimLink.start();
    attackerLink.start();
    await expect.poll(() => eventsOf(victimId), { timeout: 20_000 }).toHaveLength(10);
    await expect.poll(() => eventsOf(attackerId), { timeout: 20_000 }).toHaveLength(10);
    const firstDirective = await issueTo(victimId, 'Avant');
    await expect.poll(() => receivedAt(firstDirective), { timeout: 10_000 }).toBeTruthy();
    const victimBefore = await eventsOf(victimId);
    expect(victimBefore).toEqual(victimEvents.map((event) => event.id).sort());

    // The hub's view of the victim's topics: anything not sealed by the victim would show here.
    const watcher = await connectAs(url, hubIdentity, { clientId: 'hub-watcher' });
    clients.push(watcher);
    const foreign: string[] = [];
    watcher.on('message', (topic, payload) => {
      const decoded = decodeHeader(new Uint8Array(payload));
      if (topic === upTopic(victimId) && !(decoded.ok && decoded.header.from === victimId))
        foreign.push(topic);
      if (topic === presenceTopic(victimId) && payload.toString() === PRESENCE_OFFLINE) foreign.push(topic);
    });
    await watcher.subscribeAsync({ [upTopic(victimId)]: { qos: 1 }, [presenceTopic(victimId)]: { qos: 1 } });

    // The attacker uses its own enrolled key outside the node software (same client id).
    await attackerLink.stop();
    const publishRefusals = await brokerRefusals('publish');
    const subscribeRefusals = await brokerRefusals('subscribe');
    const forgery = seal({
      sender: attacker.identity,
      recipient: hubIdentity.toPublic(),
      type: 'events.batch',
      body: {
        events: [
          newEvent({
            kind: 'appointment.booked',
            entity: 'appointment',
            entityId: 'FORGED-1',
            data: bookedData(),
          }),
        ],
      },
      seq: 3,
      timestamp: Date.now(),
    });
    const publisher = await connectAs(url, attacker.identity);
    clients.push(publisher);
    publisher.on('error', () => {});
    publisher.publish(upTopic(victimId), Buffer.from(forgery), { qos: 1 });
    publisher.publish(presenceTopic(victimId), PRESENCE_OFFLINE, { qos: 1, retain: true });
    await expect.poll(() => brokerRefusals('publish'), { timeout: 10_000 }).toBeGreaterThan(publishRefusals);

    const reader = await connectAs(url, attacker.identity);
    clients.push(reader);
    const overheard: string[] = [];
    reader.on('message', (topic) => overheard.push(topic));
    await expect(reader.subscribeAsync(downTopic(victimId), { qos: 1 })).rejects.toThrow();
    for (const filter of ['econsulat/v1/m/+/down', '#']) {
      const again = await connectAs(url, attacker.identity);
      clients.push(again);
      again.on('message', (topic) => overheard.push(topic));
      await expect(again.subscribeAsync(filter, { qos: 1 })).rejects.toThrow();
    }
    expect(await brokerRefusals('subscribe')).toBe(subscribeRefusals + 3);
    const listener = await connectAs(url, attacker.identity);
    clients.push(listener);
    listener.on('message', (topic) => overheard.push(topic));
    await listener.subscribeAsync(downTopic(attackerId), { qos: 1 });

    // The victim keeps working meanwhile, and nothing of its down traffic reaches the attacker.
    const secondDirective = await issueTo(victimId, 'Pendant');
    await expect.poll(() => receivedAt(secondDirective), { timeout: 10_000 }).toBeTruthy();
    const lateEvent = newEvent({ kind: 'person.updated', entity: 'person', entityId: 'P-1', data: {} });
    appendEvent(victim.node.store, lateEvent);
    victimLink.kick();
    await expect.poll(() => eventsOf(victimId), { timeout: 10_000 }).toHaveLength(11);
    await expect.poll(() => heldCount(victim.node.store.db), { timeout: 10_000 }).toBe(0);

    expect(await eventsOf(victimId)).toEqual([...victimBefore, lateEvent.id].sort());
    expect(overheard.filter((topic) => topic.includes(victimId))).toEqual([]);
    expect(foreign).toEqual([]);
    const [forged] = await db.query<{ n: number }>(
      "SELECT count(*) AS n FROM mission_events WHERE entity_id LIKE 'FORGED%'",
    );
    expect(Number(forged?.n)).toBe(0);
    // The forgery never reached ingest at all: nothing was refused there, and the attacker's own
    // replicas are what its node sent.
    const [refusedAtIngest] = await db.query<{ n: number }>('SELECT count(*) AS n FROM ingest_refusals');
    expect(Number(refusedAtIngest?.n)).toBe(0);
    expect(await eventsOf(attackerId)).toHaveLength(10);
  });
});
