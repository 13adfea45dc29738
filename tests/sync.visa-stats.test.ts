import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { visaFigures } from '../hub/dashboards/visas.js';
import { immediateTransaction } from '../node/db/transaction.js';
import { writeVisaDecided, writeVisaRequested } from '../node/services/visas/visa-events.js';
import { ready } from '../protocol/index.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { type SyncPair, startSyncPair } from './_util/sync-pair.js';

const DAY = 86_400_000;

for (const backend of storeBackends('visa statistics sync')) {
  describe(`visa statistics from a mission to HQ (${backend.name})`, () => {
    let hubStore: TestStore | undefined;
    let pair: SyncPair | undefined;
    beforeAll(ready);
    afterEach(async () => {
      await pair?.close();
      await hubStore?.dispose();
      pair = hubStore = undefined;
    });

    it('reaches the hub’s figures over the link once it returns, each application once', async () => {
      hubStore = await migratedStore(backend);
      const sync = await startSyncPair(hubStore);
      pair = sync;
      const { store } = sync.node;
      const submittedAt = new Date(Date.now() - 2 * DAY).toISOString();
      const decidedAt = new Date(Date.parse(submittedAt) + 30 * 3_600_000).toISOString();
      // Written while the link is down, as the node's services write them.
      immediateTransaction(store.db, () => {
        for (const [id, nationality] of [
          ['V1', 'SEN'],
          ['V2', 'SEN'],
          ['V3', 'FRA'],
        ] as const)
          writeVisaRequested(store, { id, kind: 'visa', nationality, submittedAt });
        writeVisaDecided(
          store,
          { id: 'V1', kind: 'visa', nationality: 'SEN', submittedAt },
          { outcome: 'granted', visaType: '01', decidedAt },
        );
        writeVisaDecided(
          store,
          { id: 'V3', kind: 'visa', nationality: 'FRA', submittedAt },
          { outcome: 'refused', visaType: null, decidedAt },
        );
      });
      const period = { from: new Date(Date.now() - 7 * DAY), to: new Date(Date.now() + DAY) };
      const hubDb = hubStore.db;
      const figures = () => visaFigures(hubDb, period);
      expect((await figures()).total.requested).toBe(0);

      sync.nodeLink.start();
      await expect
        .poll(async () => (await figures()).total, { timeout: 15_000 })
        .toMatchObject({ requested: 3, granted: 1, refused: 1, medianHours: 30, p90Hours: 30 });
      const { byMission, byNationality } = await figures();
      expect(byMission.map((f) => [f.key, f.requested])).toEqual([['fr-paris', 3]]);
      expect(byNationality.map((f) => [f.key, f.requested, f.granted, f.refused])).toEqual([
        ['FRA', 1, 0, 1],
        ['SEN', 2, 1, 0],
      ]);
      // What travelled carried nothing but the figures.
      const data = await hubStore.db.query<{ data: unknown }>(
        "SELECT data FROM mission_events WHERE kind LIKE 'visa.%'",
      );
      expect(data).toHaveLength(5);
      const allowed = new Set([
        'documentKind',
        'nationality',
        'submittedAt',
        'outcome',
        'visaType',
        'decidedAt',
        'processingHours',
      ]);
      for (const row of data)
        expect(Object.keys(row.data as object).filter((key) => !allowed.has(key))).toEqual([]);
    });
  });
}
