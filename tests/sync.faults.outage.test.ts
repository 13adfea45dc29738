import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedBroker, startBroker } from '../hub/broker/broker.js';
import { downHandlers } from '../node/link/handlers/index.js';
import { HubLink } from '../node/link/hub-connection.js';
import type { LinkContext } from '../node/link/link-context.js';
import { channelRow, heldCount } from '../node/link/link-store.js';
import { seedCalendars } from '../node/services/appointments/calendar-seed.js';
import { seedCatalogue } from '../node/services/catalogue/seed.js';
import { appendEvent, newEvent, outboxBacklog } from '../node/services/outbox/outbox.js';
import { bindSmsCaps } from '../node/services/outbox/sms-cap-policy.js';
import { ready } from '../protocol/index.js';
import { applicant, appointmentsOver, codeFor, MONDAY_8AM, testClock } from './_util/appointments.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { uniqueMissionId } from './_util/mission-link.js';
import { type SyncPair, startSyncPair } from './_util/sync-pair.js';

/** Reconnection attempts the node must have made, and failed, while the broker was away. */
const FAILED_ATTEMPTS = 6;

for (const backend of storeBackends('broker outage')) {
  describe(`a long broker outage (${backend.name})`, () => {
    let hubStore: TestStore | undefined;
    let pair: SyncPair | undefined;
    let link: HubLink | undefined;
    let broker: EmbeddedBroker | undefined;
    beforeAll(ready);
    afterEach(async () => {
      // The pair's own broker was closed by the test: its parts are stopped one by one.
      await link?.stop();
      await pair?.hubLink.stop();
      await broker?.close();
      await pair?.node.cleanup();
      await hubStore?.dispose();
      hubStore = pair = link = broker = undefined;
    });

    async function hubEventIds(missionId: string): Promise<string[]> {
      const rows =
        (await hubStore?.db.query<{ event_id: string }>(
          'SELECT event_id FROM mission_events WHERE mission_id = $1 ORDER BY event_id',
          [missionId],
        )) ?? [];
      return rows.map((row) => row.event_id);
    }

    async function hubAppliedUpTo(missionId: string): Promise<number> {
      const [row] =
        (await hubStore?.db.query<{ n: number }>(
          'SELECT applied_up_to AS n FROM channels WHERE mission_id = $1',
          [missionId],
        )) ?? [];
      return Number(row?.n ?? 0);
    }

    it('keeps taking bookings while the broker is away, then delivers every event once to a restarted broker', async () => {
      hubStore = await migratedStore(backend);
      const missionId = uniqueMissionId();
      pair = await startSyncPair(hubStore, missionId);
      const { store } = pair.node;
      const port = pair.broker.port;
      const url = `mqtt://127.0.0.1:${port}`;
      // Small batches, so the outage strands several envelopes rather than one.
      const ctx: LinkContext = { ...pair.linkContext, batch: { maxEvents: 10, maxBytes: 64 * 1024 } };
      const refused: NodeJS.ErrnoException[] = [];
      link = new HubLink(ctx, downHandlers(), {
        url,
        reconnect: { baseMs: 50, maxMs: 400 },
        drainIntervalMs: 100,
        resendAfterMs: 2_000,
        onError: (error: NodeJS.ErrnoException) => {
          if (error.code === 'ECONNREFUSED') refused.push(error);
        },
      });

      seedCatalogue(store, { now: new Date(MONDAY_8AM) });
      seedCalendars(store, new Date(MONDAY_8AM));
      // The outage loop books for as long as reconnections take to fail: how many depends on the
      // machine, all in one prefix and one minute of the fixture clock. The prefix caps are raised as
      // the booking bench raises them; the per-number caps stay.
      bindSmsCaps(store, { perPrefixPerHour: 100_000, perPrefixPerDay: 1_000_000 });
      const { appointments } = appointmentsOver(store, { now: testClock().now });
      let applicants = 0;
      const bookOne = () => {
        const n = ++applicants;
        const slot = appointments
          .listSlots({ serviceCode: 'passport-renewal', from: '2026-03-03', to: '2026-03-13' })
          .find((candidate) => candidate.remaining > 0);
        if (!slot) throw new Error('no slot left in the fixture calendar');
        const held = appointments.book(
          { serviceCode: 'passport-renewal', slotStart: slot.start, ...applicant(n) },
          'portal',
        );
        appointments.confirm({ reference: held.reference, code: codeFor(store, held.reference) }, 'portal');
      };
      const note = (i: number) =>
        appendEvent(
          store,
          newEvent({ kind: 'person.updated', entity: 'person', entityId: `NOTE-${i}`, data: { i } }),
        );

      // Before the outage: the link works and is idle.
      for (let i = 0; i < 20; i++) note(i);
      for (let i = 0; i < 5; i++) bookOne();
      link.start();
      await expect.poll(() => outboxBacklog(store).count, { timeout: 20_000 }).toBe(0);
      await expect.poll(() => heldCount(store.db), { timeout: 10_000 }).toBe(0);

      // Changes made just before the broker goes: some are in flight when it does.
      for (let i = 20; i < 60; i++) note(i);
      link.kick();
      await pair.broker.close();

      // The outage: the mission keeps working while the link retries with backoff.
      let i = 60;
      while (refused.length < FAILED_ATTEMPTS) {
        note(i++);
        bookOne();
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(link.status().connected).toBe(false);
      expect(pair.hubLink.connected).toBe(false);
      const queued = (store.db.prepare('SELECT id FROM outbox ORDER BY id').all() as { id: string }[]).map(
        (row) => row.id,
      );
      expect(outboxBacklog(store).count).toBeGreaterThan(0);

      // A broker restart: same port, same trust, no memory of sessions or queued messages.
      broker = await startBroker({
        host: '127.0.0.1',
        port,
        trust: pair.trust,
        events: { refused: () => {} },
      });
      await expect.poll(() => link?.status().connected, { timeout: 20_000 }).toBe(true);
      await expect.poll(() => pair?.hubLink.connected, { timeout: 20_000 }).toBe(true);

      await expect.poll(() => hubEventIds(missionId), { timeout: 60_000 }).toHaveLength(queued.length);
      expect(await hubEventIds(missionId)).toEqual([...queued].sort());
      await expect.poll(() => outboxBacklog(store).count, { timeout: 20_000 }).toBe(0);
      await expect.poll(() => heldCount(store.db), { timeout: 20_000 }).toBe(0);
      // Each envelope the node numbered was applied once: the hub's channel stands where the node's does.
      const channel = channelRow(store.db);
      expect(channel.acked_up_to).toBe(channel.next_send_seq - 1);
      expect(await hubAppliedUpTo(missionId)).toBe(channel.next_send_seq - 1);
      expect(applicants).toBeGreaterThan(5);
    });
  });
}
