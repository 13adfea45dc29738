import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { directiveWithStatus } from '../hub/services/directives/directive-status.js';
import { issueDirective } from '../hub/services/directives/issue-directive.js';
import { acknowledgeDirective } from '../node/services/directives/directives.js';
import { appendEvent, newEvent, outboxBacklog } from '../node/services/outbox/outbox.js';
import { ready } from '../protocol/index.js';
import { bookedData } from './_util/event-data.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { type SyncPair, startSyncPair } from './_util/sync-pair.js';

for (const backend of storeBackends('node ↔ hub sync')) {
  describe(`node ↔ hub sync over the embedded broker (${backend.name})`, () => {
    let hubStore: TestStore | undefined;
    let pair: SyncPair | undefined;
    beforeAll(ready);
    afterEach(async () => {
      await pair?.close();
      await hubStore?.dispose();
      pair = hubStore = undefined;
    });

    async function count(sql: string, params: string[] = []): Promise<number> {
      const [row] = (await hubStore?.db.query<{ n: number }>(sql, params)) ?? [];
      return Number(row?.n ?? 0);
    }

    it('commits every event a mission queued, once, and the mission marks them delivered', async () => {
      hubStore = await migratedStore(backend);
      pair = await startSyncPair(hubStore);
      const { store } = pair.node;
      for (let i = 0; i < 300; i++) {
        appendEvent(
          store,
          newEvent({
            kind: 'appointment.booked',
            entity: 'appointment',
            entityId: `RDV-${i}`,
            data: bookedData(),
          }),
        );
      }
      pair.nodeLink.start();
      await expect
        .poll(() => count('SELECT count(*) AS n FROM mission_events'), { timeout: 20_000 })
        .toBe(300);
      await expect.poll(() => outboxBacklog(store).count, { timeout: 10_000 }).toBe(0);
      expect(await count('SELECT count(DISTINCT entity_id) AS n FROM mission_events')).toBe(300);
      const [mission] = await hubStore.db.query<{ software_version: string }>(
        'SELECT software_version FROM missions',
      );
      expect(mission?.software_version).toBe('test');
    });

    it('carries a directive down, receipts it automatically and reports the consul acknowledgement', async () => {
      hubStore = await migratedStore(backend);
      pair = await startSyncPair(hubStore);
      pair.nodeLink.start();
      await expect.poll(() => pair?.nodeLink.status().connected).toBe(true);
      const issued = await issueDirective(
        hubStore.db,
        pair.hub,
        pair.trust,
        {
          title: { fr: 'Recensement électoral' },
          body: { fr: 'Ouvrez les listes le 5 janvier.' },
          target: 'all',
        },
        'Direction des Centrafricains de l’étranger',
        new Date(),
      );
      for (const { missionId, envelope } of issued.envelopes) pair.hubLink.publishDown(missionId, envelope);
      const id = issued.directive.directiveId;
      await expect
        .poll(async () => (await directiveWithStatus(hubStore!.db, id))?.missions[0]?.receivedAt, {
          timeout: 10_000,
        })
        .toBeTruthy();
      expect(
        acknowledgeDirective(pair.node.store, { directiveId: id, by: 'consul.paris', comment: 'Noté' }),
      ).toBe('acknowledged');
      pair.nodeLink.kick();
      await expect
        .poll(async () => (await directiveWithStatus(hubStore!.db, id))?.missions[0], { timeout: 10_000 })
        .toMatchObject({
          acknowledgedBy: 'consul.paris',
          comment: 'Noté',
        });
    });
  });
}
