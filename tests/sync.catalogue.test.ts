import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { currentCatalogue, publishCatalogue } from '../hub/services/catalogue/publish-catalogue.js';
import { getService } from '../node/services/catalogue/catalogue.js';
import { type CatalogueService, ready } from '../protocol/index.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { type SyncPair, startSyncPair } from './_util/sync-pair.js';

const passport = (amountMinor: number): CatalogueService => ({
  code: 'passport-renewal',
  category: 'passport',
  name: { fr: 'Renouvellement de passeport', sg: 'Fini passeport', en: 'Passport renewal' },
  description: { fr: 'Passeport biométrique, validité 5 ans.' },
  fees: [
    { amountMinor, currency: 'XAF' },
    { amountMinor: 9_000, currency: 'EUR' },
  ],
  requiredDocuments: [{ fr: 'Ancien passeport' }],
  processingDaysTarget: 30,
  appointmentMinutes: 20,
  active: true,
});

for (const backend of storeBackends('central catalogue')) {
  describe(`central catalogue (${backend.name})`, () => {
    let hubStore: TestStore | undefined;
    let pair: SyncPair | undefined;
    beforeAll(ready);
    afterEach(async () => {
      await pair?.close();
      await hubStore?.dispose();
      pair = hubStore = undefined;
    });

    it('versions each publication and carries it, signed, to the mission, which applies the newest', async () => {
      hubStore = await migratedStore(backend);
      pair = await startSyncPair(hubStore);
      pair.nodeLink.start();
      for (const amount of [50_000, 55_000]) {
        const { envelopes } = await publishCatalogue(
          hubStore.db,
          pair.hub,
          pair.trust,
          { services: [passport(amount)] },
          'DAC',
          new Date(),
        );
        for (const { missionId, envelope } of envelopes) pair.hubLink.publishDown(missionId, envelope);
      }
      expect((await currentCatalogue(hubStore.db))?.version).toBe(2);
      await expect
        .poll(
          () =>
            getService(pair!.node.store, 'passport-renewal', 'fr')?.fees.find((fee) => fee.currency === 'XAF')
              ?.amountMinor,
          {
            timeout: 10_000,
          },
        )
        .toBe(55_000);
      await expect(
        publishCatalogue(
          hubStore.db,
          pair.hub,
          pair.trust,
          { services: [passport(1), passport(2)] },
          'DAC',
          new Date(),
        ),
      ).rejects.toThrow(/twice/);
    });
  });
}
