import { randomBytes } from 'node:crypto';
import type mqtt from 'mqtt';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHub, type MinistryHub } from '../hub/index.js';
import type { HubLink } from '../node/link/hub-connection.js';
import { heldCount } from '../node/link/link-store.js';
import { sealNext } from '../node/link/sender.js';
import { appendEvent, newEvent, outboxBacklog } from '../node/services/outbox/outbox.js';
import { decodeHeader, HUB_ID, Identity, ready, seal, upTopic } from '../protocol/index.js';
import { bookingEvents, throwawayHubConfig } from './_util/hub-fixtures.js';
import { scrapeApp } from './_util/metrics-scrape.js';
import { type EnrolledMission, enrolMission, uniqueMissionId } from './_util/mission-link.js';
import { makeTempDir, type TempDir } from './_util/node-store.js';
import { connectAs, endQuietly, flipByte, metricSample, SEQ_LOW_BYTE } from './_util/rogue-client.js';

const SMALL_BATCHES = { maxEvents: 5, maxBytes: 64 * 1024 };

describe('a rogue client on the broker (replays, reordering, alterations, forgeries)', () => {
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

  it('refuses or ignores every injected envelope, counts why in /metrics, and the victim’s traffic still arrives once', async () => {
    dir = await makeTempDir('econsulat-hub-');
    const hubIdentity = Identity.generate(HUB_ID);
    const config = throwawayHubConfig(dir.dir);
    hub = await createHub(config, hubIdentity);
    const { db, broker } = hub.context;
    const url = `mqtt://127.0.0.1:${broker?.port}`;
    const victim = await enrolMission(db, hubIdentity, uniqueMissionId('fr'), SMALL_BATCHES);
    const rogue = await enrolMission(db, hubIdentity, uniqueMissionId('cm'));
    missions.push(victim, rogue);
    await hub.context.reloadTrust();
    const victimId = victim.identity.partyId;

    const metrics = () => scrapeApp(hub!.context.app);
    const outcomes = async (outcome: string) =>
      metricSample(await metrics(), 'econsulat_hub_envelopes_total', { outcome }) ?? 0;
    const refusedFor = async (reason: string) =>
      metricSample(await metrics(), 'econsulat_hub_envelopes_refused', { reason });
    const victimEvents = async () => {
      const [row] = await db.query<{ n: number; distinct: number }>(
        'SELECT count(*) AS n, count(DISTINCT event_id) AS distinct FROM mission_events WHERE mission_id = $1',
        [victimId],
      );
      return { n: Number(row?.n), distinct: Number(row?.distinct) };
    };
    const appliedUpTo = async () => {
      const [row] = await db.query<{ n: number }>(
        'SELECT applied_up_to AS n FROM channels WHERE mission_id = $1',
        [victimId],
      );
      return Number(row?.n);
    };

    // What an attacker on the broker sees of the victim: every envelope it sends up.
    const sniffer = await connectAs(url, hubIdentity, { clientId: 'hub-sniffer' });
    clients.push(sniffer);
    const captured: Uint8Array[] = [];
    sniffer.on('message', (topic, payload) => {
      if (topic === upTopic(victimId)) captured.push(new Uint8Array(payload));
    });
    await sniffer.subscribeAsync(upTopic(victimId), { qos: 1 });

    // The victim's real traffic: 30 events in six batches.
    for (const event of bookingEvents(30)) appendEvent(victim.node.store, event);
    const firstLink = victim.link({ url, reconnect: { baseMs: 100, maxMs: 1000 }, drainIntervalMs: 100 });
    links.push(firstLink);
    firstLink.start();
    await expect.poll(victimEvents, { timeout: 20_000 }).toEqual({ n: 30, distinct: 30 });
    await expect.poll(() => heldCount(victim.node.store.db), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => outcomes('applied'), { timeout: 10_000 }).toBe(6);
    const batches = captured.filter((bytes) => header(bytes).type === 'events.batch');
    const hello = captured.find((bytes) => header(bytes).type === 'hello');
    expect(batches.map((bytes) => header(bytes).seq).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(hello).toBeDefined();

    const attacker = await connectAs(url, rogue.identity);
    clients.push(attacker);
    const inject = async (envelopes: Uint8Array[]) => {
      for (const bytes of envelopes)
        await attacker.publishAsync(upTopic(rogue.identity.partyId), Buffer.from(bytes), { qos: 1 });
    };

    // Replays, in reverse and then in order: duplicates, ignored and not counted as refusals.
    const duplicatesBefore = await outcomes('duplicate');
    const replays = [...captured].reverse().concat(captured);
    await inject(replays);
    await expect
      .poll(() => outcomes('duplicate'), { timeout: 20_000 })
      .toBeGreaterThanOrEqual(duplicatesBefore + replays.length);
    expect(await victimEvents()).toEqual({ n: 30, distinct: 30 });
    expect(await appliedUpTo()).toBe(6);

    // Alterations and forgeries of the captured traffic.
    const stranger = Identity.generate(victimId);
    const forged = (sender: Identity, recipient: Identity, entityId: string) =>
      seal({
        sender,
        recipient: recipient.toPublic(),
        type: 'events.batch',
        body: {
          events: [newEvent({ kind: 'appointment.booked', entity: 'appointment', entityId, data: {} })],
        },
        seq: 7,
        timestamp: Date.now(),
      });
    const refusedBefore = await outcomes('refused');
    const altered = [
      flipByte(batches[2]!, SEQ_LOW_BYTE),
      flipByte(hello!, SEQ_LOW_BYTE + 8),
      forged(stranger, hubIdentity, 'FORGED-unknown-key'),
      forged(victim.identity, rogue.identity, 'FORGED-wrong-recipient'),
      randomBytes(300),
      batches[0]!.slice(0, 40),
    ];
    await inject(altered);
    await expect.poll(() => outcomes('refused'), { timeout: 20_000 }).toBe(refusedBefore + altered.length);
    expect(await refusedFor('header_altered')).toBe(2);
    expect(await refusedFor('unknown_sender')).toBe(1);
    expect(await refusedFor('wrong_recipient')).toBe(1);
    expect(await refusedFor('malformed')).toBe(2);

    // Reordering of envelopes the victim sealed but the hub has not seen yet. The ciphertext is
    // altered on one of these: on an envelope already applied, the sequence check comes first and
    // the alteration is ignored as a duplicate (PROTOCOL.md, Refusals).
    await firstLink.stop();
    for (const event of bookingEvents(10)) appendEvent(victim.node.store, event);
    const seventh = sealNext(victim.linkContext);
    const eighth = sealNext(victim.linkContext);
    expect([seventh?.seq, eighth?.seq]).toEqual([7, 8]);
    const gapsBefore = await outcomes('gap');
    await inject([eighth!.envelope, flipByte(seventh!.envelope, -1)]);
    await expect.poll(() => refusedFor('decryption_failed'), { timeout: 20_000 }).toBe(1);
    // The intact one is the victim's, proven, but published on the attacker's topic: refused,
    // where it would otherwise have opened a gap in the victim's channel.
    await expect.poll(() => refusedFor('unknown_sender'), { timeout: 20_000 }).toBe(2);
    expect(await outcomes('gap')).toBe(gapsBefore);
    expect(await appliedUpTo()).toBe(6);
    expect(await victimEvents()).toEqual({ n: 30, distinct: 30 });

    // The victim comes back: its own envelopes go through, each once.
    const secondLink = victim.link({ url, reconnect: { baseMs: 100, maxMs: 1000 }, drainIntervalMs: 100 });
    links.push(secondLink);
    secondLink.start();
    await expect.poll(victimEvents, { timeout: 20_000 }).toEqual({ n: 40, distinct: 40 });
    await expect.poll(() => outboxBacklog(victim.node.store).count, { timeout: 10_000 }).toBe(0);
    await expect.poll(() => heldCount(victim.node.store.db), { timeout: 10_000 }).toBe(0);
    expect(await appliedUpTo()).toBe(8);
    expect(await outcomes('applied')).toBe(8);
    const [forgedRows] = await db.query<{ n: number }>(
      "SELECT count(*) AS n FROM mission_events WHERE entity_id LIKE 'FORGED%'",
    );
    expect(Number(forgedRows?.n)).toBe(0);
    // A duplicate is an expected redelivery, not a refusal.
    expect(await refusedFor('duplicate')).toBeUndefined();
  });
});

function header(bytes: Uint8Array) {
  const decoded = decodeHeader(bytes);
  if (!decoded.ok) throw new Error(`captured an undecodable envelope: ${decoded.detail}`);
  return decoded.header;
}
