import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { missionLinks } from '../hub/dashboards/links.js';
import { ingestEnvelope } from '../hub/ingest/ingest-envelope.js';
import type { IngestContext } from '../hub/ingest/ingest-types.js';
import { recordPresence } from '../hub/link/presence.js';
import { createHubMetrics } from '../hub/metrics.js';
import { listMissions, type MissionStatus } from '../hub/services/missions/list-missions.js';
import { channelKeys } from '../protocol/channel-keys.js';
import {
  ACK,
  DIRECTIVE_RECEIPT,
  EVENTS_BATCH,
  HELLO,
  type Identity,
  PRESENCE_OFFLINE,
  PRESENCE_ONLINE,
  WIRE_VERSION,
} from '../protocol/index.js';
import { craftEnvelope, headerFor } from '../protocol/test-fixtures.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { bookingEvents, enrolledHub, sealUp } from './_util/hub-fixtures.js';
import { metricSample } from './_util/rogue-client.js';

// Whole seconds around now: the mission's certificate is valid from a day ago.
const T0 = Math.floor(Date.now() / 1000) * 1000;
const at = (seconds: number) => new Date(T0 + seconds * 1000);

describe.each(storeBackends('hub mission view'))('the hub’s view of a mission on $name', (backend) => {
  let store: TestStore;
  let hub: Identity;
  let mission: Identity;
  let context: () => IngestContext;

  beforeEach(async () => {
    store = await migratedStore(backend);
    ({ hub, mission, context } = await enrolledHub(store.db));
  });
  afterEach(async () => {
    await store?.dispose();
  });

  /** Ingests `bytes` as if the hub took it at `receivedAt`. */
  const ingestAt = (bytes: Uint8Array, receivedAt: Date) =>
    ingestEnvelope(store.db, bytes, { ...context(), now: receivedAt.getTime() });
  const batch = (seq: number, backlog: unknown, sealedAt: Date) =>
    sealUp(
      mission,
      hub,
      EVENTS_BATCH,
      { events: bookingEvents(2), ...(backlog === undefined ? {} : { backlog }) } as never,
      seq,
      sealedAt.getTime(),
    );
  const hello = (events: number, sealedAt: Date) =>
    sealUp(
      mission,
      hub,
      HELLO,
      { softwareVersion: 't', protocolVersion: WIRE_VERSION, backlog: { events }, receivedUpTo: 0 },
      0,
      sealedAt.getTime(),
    );
  const status = async (): Promise<MissionStatus> => {
    const [paris] = await listMissions(store.db, new Date());
    if (!paris) throw new Error('no mission listed');
    return paris;
  };

  it('shows the backlog each applied message reports, and the last sync once it reaches zero', async () => {
    const oldestAt = at(-30).toISOString();
    expect(await ingestAt(batch(1, { events: 7, oldestAt }, at(1)), at(2))).toMatchObject({
      status: 'applied',
    });
    expect(await status()).toMatchObject({
      backlog: 7,
      backlogOldestAt: oldestAt,
      lastSeenAt: at(1).toISOString(),
      lastReceivedAt: at(2).toISOString(),
      lastSyncAt: null,
      online: true,
    });

    await ingestAt(batch(2, { events: 0 }, at(3)), at(4));
    expect(await status()).toMatchObject({
      backlog: 0,
      backlogOldestAt: null,
      lastSeenAt: at(3).toISOString(),
      lastSyncAt: at(4).toISOString(),
    });
  });

  it('keeps the applied figure when a hello counts events the hub already holds', async () => {
    await ingestAt(batch(1, { events: 0 }, at(1)), at(2));
    // The node lost the ack and reconnects: its hello still counts those events as waiting.
    expect(await ingestAt(hello(78, at(5)), at(6))).toMatchObject({ status: 'control' });
    const after = await status();
    expect(after.backlog).toBe(0);
    expect(after.lastSyncAt).toBe(at(2).toISOString());
    // A hello is still a message: the mission was seen when it sealed it.
    expect(after.lastSeenAt).toBe(at(5).toISOString());
  });

  it('changes nothing on a duplicate, and keeps the newest timestamp when an old envelope is resent', async () => {
    const first = batch(1, { events: 3 }, at(1));
    await ingestAt(first, at(2));
    await ingestAt(batch(2, { events: 0 }, at(3)), at(4));
    expect(await ingestAt(first, at(9))).toMatchObject({ status: 'duplicate' });
    expect(await status()).toMatchObject({
      backlog: 0,
      lastSeenAt: at(3).toISOString(),
      lastReceivedAt: at(4).toISOString(),
    });
  });

  it('leaves the figures as they are when a message carries no backlog (an older node)', async () => {
    await ingestAt(batch(1, { events: 4 }, at(1)), at(2));
    await ingestAt(batch(2, undefined, at(3)), at(4));
    expect(await status()).toMatchObject({ backlog: 4, lastSeenAt: at(3).toISOString(), lastSyncAt: null });
  });

  it('carries the backlog on the other sequenced messages too', async () => {
    await ingestAt(batch(1, { events: 5 }, at(1)), at(2));
    const receipt = sealUp(
      mission,
      hub,
      DIRECTIVE_RECEIPT,
      { directiveId: crypto.randomUUID(), receivedAt: at(3).toISOString(), backlog: { events: 0 } },
      2,
      at(3).getTime(),
    );
    expect(await ingestAt(receipt, at(4))).toMatchObject({ status: 'applied' });
    expect(await status()).toMatchObject({ backlog: 0, lastSyncAt: at(4).toISOString() });
  });

  it.each([
    ['a negative count', { events: -1 }],
    ['a fractional count', { events: 1.5 }],
    ['a time that is not an instant', { events: 1, oldestAt: 'yesterday' }],
    ['an unknown field', { events: 1, pending: 2 }],
  ])('refuses a batch whose backlog has %s, and shows nothing of it', async (_name, backlog) => {
    await ingestAt(batch(1, { events: 4 }, at(1)), at(2));
    const forged = sealUnchecked(mission, hub, {
      events: bookingEvents(1),
      backlog,
    });
    expect(await ingestAt(forged, at(4))).toMatchObject({ status: 'refused', reason: 'malformed' });
    expect(await status()).toMatchObject({ backlog: 4, lastSeenAt: at(1).toISOString() });
  });

  describe('presence, from the retained presence and the last message, whichever is newer', () => {
    it('is online when a message arrives after an offline presence', async () => {
      await recordPresence(store.db, 'fr-paris', PRESENCE_OFFLINE, at(1));
      expect((await status()).online).toBe(false);
      await ingestAt(batch(1, { events: 0 }, at(2)), at(3));
      expect((await status()).online).toBe(true);
    });

    it('is offline when the offline presence is newer than the last message', async () => {
      await ingestAt(batch(1, { events: 0 }, at(1)), at(2));
      expect((await status()).online).toBe(true);
      await recordPresence(store.db, 'fr-paris', PRESENCE_OFFLINE, at(3));
      expect((await status()).online).toBe(false);
    });

    it('stays online when an offline presence older than the last message is recorded late', async () => {
      await ingestAt(batch(1, { events: 0 }, at(4)), at(5));
      await recordPresence(store.db, 'fr-paris', PRESENCE_OFFLINE, at(3));
      expect((await status()).online).toBe(true);
    });

    it('stays offline when a message taken before the offline presence is ingested after it', async () => {
      await recordPresence(store.db, 'fr-paris', PRESENCE_OFFLINE, at(5));
      // A second hub process took this message first and commits it last.
      await ingestAt(batch(1, { events: 0 }, at(3)), at(4));
      expect((await status()).online).toBe(false);
    });

    it('ignores a presence older than the one recorded', async () => {
      await recordPresence(store.db, 'fr-paris', PRESENCE_ONLINE, at(5));
      await recordPresence(store.db, 'fr-paris', PRESENCE_OFFLINE, at(4));
      expect((await status()).online).toBe(true);
    });

    it('is online on an online presence with no message yet, and the ack of a control message counts', async () => {
      await recordPresence(store.db, 'fr-paris', PRESENCE_ONLINE, at(1));
      expect((await status()).online).toBe(true);
      await recordPresence(store.db, 'fr-paris', PRESENCE_OFFLINE, at(2));
      const ack = sealUp(mission, hub, ACK, { upTo: 0 }, 0, at(3).getTime());
      expect(await ingestAt(ack, at(4))).toMatchObject({ status: 'control' });
      expect((await status()).online).toBe(true);
    });
  });

  it('gives the API, the dashboards and /metrics the same figures', async () => {
    await recordPresence(store.db, 'fr-paris', PRESENCE_ONLINE, at(0));
    await ingestAt(batch(1, { events: 12, oldestAt: at(-60).toISOString() }, at(1)), at(2));
    await ingestAt(batch(2, { events: 0 }, at(3)), at(4));
    await ingestAt(batch(3, { events: 9 }, at(5)), at(6));
    const api = await status();
    const [link] = await missionLinks(store.db);
    expect(link).toMatchObject({
      online: api.online,
      backlog: api.backlog,
      lastSeenAt: new Date(api.lastSeenAt ?? 0),
      lastSyncAt: new Date(api.lastSyncAt ?? 0),
    });
    const text = await createHubMetrics(store.db).registry.metrics();
    const mission = { mission: 'fr-paris' };
    expect(metricSample(text, 'econsulat_hub_mission_backlog_events', mission)).toBe(9);
    expect(metricSample(text, 'econsulat_hub_mission_online', mission)).toBe(1);
    expect(metricSample(text, 'econsulat_hub_mission_last_seen_timestamp_seconds', mission)).toBe(
      at(5).getTime() / 1000,
    );
    expect(metricSample(text, 'econsulat_hub_mission_last_sync_timestamp_seconds', mission)).toBe(
      at(4).getTime() / 1000,
    );
    expect(metricSample(text, 'econsulat_hub_missions_online')).toBe(1);
  });
});

/** Seals an events.batch with a body seal() would refuse, as a broken or hostile node could. */
function sealUnchecked(mission: Identity, hub: Identity, body: Record<string, unknown>): Uint8Array {
  return craftEnvelope({
    header: headerFor(mission, hub.toPublic(), { seq: 2, timestamp: at(3).getTime() }),
    payload: new TextEncoder().encode(JSON.stringify(body)),
    keys: channelKeys(mission, hub.toPublic(), true),
    signer: mission,
  });
}
