import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ingestEnvelope } from '../hub/ingest/ingest-envelope.js';
import type { IngestOutcome } from '../hub/ingest/ingest-types.js';
import { sealReply } from '../hub/link/replies.js';
import { loadTrustStore } from '../hub/services/missions/trust-loader.js';
import { downHandlers } from '../node/link/handlers/index.js';
import { heldCount } from '../node/link/link-store.js';
import { receiveFromHub } from '../node/link/receiver.js';
import { sealNext } from '../node/link/sender.js';
import { appendEvent, newEvent, outboxBacklog } from '../node/services/outbox/outbox.js';
import { HUB_ID, Identity, ready } from '../protocol/index.js';
import { bookedData } from './_util/event-data.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { type EnrolledMission, enrolMission } from './_util/mission-link.js';

/**
 * Two hub workers sharing the ingest each answer with their own control message, through their own
 * MQTT connection: the mission may get them in either order and keeps only the newer. These tests
 * play the hub's and the node's parts by hand to choose that order (the Mosquitto suite runs the
 * real thing, where it happens only sometimes).
 */
describe.each(storeBackends('shared ingest order'))('a gap seen by one hub worker, on $name', (backend) => {
  let store: TestStore | undefined;
  let mission: EnrolledMission | undefined;
  beforeAll(ready);
  afterEach(async () => {
    await mission?.node.cleanup();
    await store?.dispose();
    store = mission = undefined;
  });

  async function pair() {
    store = await migratedStore(backend);
    const hub = Identity.generate(HUB_ID);
    mission = await enrolMission(store.db, hub, 'fr-paris', { maxEvents: 1, maxBytes: 64 * 1024 });
    const { trust } = await loadTrustStore(store.db, hub.toPublic());
    const db = store.db;
    const ctx = mission.linkContext;
    const missionPublic = mission.identity.toPublic();
    for (let i = 0; i < 3; i++) {
      appendEvent(
        ctx.store,
        newEvent({
          kind: 'appointment.booked',
          entity: 'appointment',
          entityId: `RDV-${i}`,
          data: bookedData({ i }),
        }),
      );
    }
    const ingest = (bytes: Uint8Array) => ingestEnvelope(db, bytes, { self: hub, trust, now: Date.now() });
    /** What a worker publishes after an ingest: its reply, sealed. */
    const answer = (outcome: IngestOutcome) => {
      if (!('reply' in outcome) || !outcome.reply) throw new Error(`no reply to ${outcome.status}`);
      return sealReply(hub, missionPublic, outcome.reply);
    };
    const deliver = (bytes: Uint8Array) => receiveFromHub(ctx, bytes, downHandlers());
    const send = () => {
      const next = sealNext(ctx);
      if (!next) throw new Error('nothing left to send');
      return next.envelope;
    };
    return { ctx, ingest, answer, deliver, send };
  }

  it('has the answer to the missing sequence ask for the rest, so the mission resends at once', async () => {
    const { ctx, ingest, answer, deliver, send } = await pair();
    const [first, second] = [send(), send()];

    // Worker B takes 2 first: a gap. Worker A then applies 1.
    const gap = await ingest(second);
    expect(gap).toMatchObject({ status: 'gap', reply: { type: 'resend.request', body: { from: 1 } } });
    const gapAnswer = answer(gap);
    const applied = await ingest(first);
    expect(applied).toMatchObject({
      status: 'applied',
      reply: { type: 'resend.request', body: { from: 2 } },
    });
    const appliedAnswer = answer(applied);

    // A's answer, the newer, reaches the mission first; B's is then dropped as an old control message.
    const fromA = deliver(appliedAnswer);
    expect(fromA.refused).toBeUndefined();
    expect(fromA.resend.map((bytes) => new Uint8Array(bytes))).toEqual([new Uint8Array(second)]);
    expect(heldCount(ctx.store.db)).toBe(1);
    expect(deliver(gapAnswer)).toMatchObject({ refused: 'duplicate', resend: [] });

    // The resent 2 is applied; with the gap closed, the hub acknowledges again.
    const closed = await ingest(fromA.resend[0]!);
    expect(closed).toMatchObject({ status: 'applied', seq: 2, reply: { type: 'ack', body: { upTo: 2 } } });
    deliver(answer(closed));
    expect(heldCount(ctx.store.db)).toBe(0);
    const third = await ingest(send());
    expect(third).toMatchObject({ status: 'applied', seq: 3, reply: { type: 'ack', body: { upTo: 3 } } });
    deliver(answer(third));
    expect(heldCount(ctx.store.db)).toBe(0);
    expect(outboxBacklog(ctx.store).count).toBe(0);
  });

  it('stamps answers in the order of the channel’s states, so the newest one a mission keeps says the most', async () => {
    const { ctx, ingest, answer, deliver, send } = await pair();
    const [first, second] = [send(), send()];
    // Worker A applies 1 and B applies 2; B's answer is sealed and reaches the mission first.
    const appliedFirst = await ingest(first);
    const appliedSecond = await ingest(second);
    expect(deliver(answer(appliedSecond)).refused).toBeUndefined();
    expect(heldCount(ctx.store.db)).toBe(0);
    expect(deliver(answer(appliedFirst)).refused).toBe('duplicate');
    expect(heldCount(ctx.store.db)).toBe(0);
  });

  it('asks again in the answer to a duplicate while the gap is open', async () => {
    const { ingest, send } = await pair();
    const [first, second] = [send(), send()];
    await ingest(second);
    await ingest(first);
    expect(await ingest(first)).toMatchObject({
      status: 'duplicate',
      reply: { type: 'resend.request', body: { from: 2 } },
    });
    await ingest(second);
    expect(await ingest(first)).toMatchObject({
      status: 'duplicate',
      reply: { type: 'ack', body: { upTo: 2 } },
    });
  });
});
