import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { issueDirective } from '../hub/services/directives/issue-directive.js';
import { downHandlers } from '../node/link/handlers/index.js';
import { HubLink } from '../node/link/hub-connection.js';
import type { LinkContext } from '../node/link/link-context.js';
import { heldCount } from '../node/link/link-store.js';
import { sealNext } from '../node/link/sender.js';
import { getDirective } from '../node/services/directives/directives.js';
import { appendEvent, newEvent, outboxBacklog } from '../node/services/outbox/outbox.js';
import { ready } from '../protocol/index.js';
import { fileOpenedData } from './_util/event-data.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { type SyncPair, startSyncPair } from './_util/sync-pair.js';

const DAY = 86_400_000;

for (const backend of storeBackends('30-day outage')) {
  describe(`a mission back after 30 days offline (${backend.name})`, () => {
    let hubStore: TestStore | undefined;
    let pair: SyncPair | undefined;
    let link: HubLink | undefined;
    beforeAll(ready);
    afterEach(async () => {
      await link?.stop();
      await pair?.close();
      await hubStore?.dispose();
      link = pair = hubStore = undefined;
    });

    it('delivers envelopes it sealed a month ago and applies what the hub sealed a month ago', async () => {
      hubStore = await migratedStore(backend);
      // Enrolled long before the outage: the certificate was valid when the old envelopes were signed.
      pair = await startSyncPair(hubStore, 'fr-paris', { enrolledDaysAgo: 400 });
      const monthAgo = Date.now() - 30 * DAY;
      // Sealed a month ago, just before the link went down: held, never acknowledged.
      const then: LinkContext = { ...pair.linkContext, now: () => monthAgo };
      for (let i = 0; i < 50; i++) {
        appendEvent(
          then.store,
          newEvent({ kind: 'file.opened', entity: 'file', entityId: `OLD-${i}`, data: fileOpenedData() }),
        );
      }
      expect(sealNext(then)).not.toBeNull();
      expect(heldCount(then.store.db)).toBe(1);
      // The hub wrote a directive for the mission a month ago too.
      const issued = await issueDirective(
        hubStore.db,
        pair.hub,
        pair.trust,
        { title: { fr: 'Consignes de sécurité' }, body: { fr: 'Lire et appliquer.' }, target: 'all' },
        'DAC',
        new Date(monthAgo),
      );
      // Back today: the same store, a link on today's clock; the hub republishes what it holds.
      for (let i = 0; i < 20; i++) {
        appendEvent(
          then.store,
          newEvent({ kind: 'file.opened', entity: 'file', entityId: `NEW-${i}`, data: fileOpenedData() }),
        );
      }
      link = new HubLink({ ...pair.linkContext, now: Date.now }, downHandlers(), {
        url: `mqtt://127.0.0.1:${pair.broker.port}`,
      });
      link.start();
      for (const { missionId, envelope } of issued.envelopes) pair.hubLink.publishDown(missionId, envelope);
      const count = async () =>
        Number(
          (
            await hubStore!.db.query<{ n: number }>(
              'SELECT count(DISTINCT event_id) AS n FROM mission_events',
            )
          )[0]?.n,
        );
      await expect.poll(count, { timeout: 15_000 }).toBe(70);
      await expect.poll(() => outboxBacklog(then.store).count, { timeout: 10_000 }).toBe(0);
      await expect
        .poll(() => getDirective(then.store, issued.directive.directiveId)?.receivedAt, { timeout: 10_000 })
        .toBeTruthy();
      const [refused] = await hubStore.db.query<{ n: number }>('SELECT count(*) AS n FROM ingest_refusals');
      expect(Number(refused?.n)).toBe(0);
    });
  });
}
