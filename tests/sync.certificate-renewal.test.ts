import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { renewExpiringCertificates } from '../hub/services/missions/renew-certificates.js';
import { loadTrustStore } from '../hub/services/missions/trust-loader.js';
import { loadTrustMaterial } from '../node/link/trust-material.js';
import { ready } from '../protocol/index.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { type SyncPair, startSyncPair } from './_util/sync-pair.js';

const DAY = 86_400_000;

for (const backend of storeBackends('certificate renewal')) {
  describe(`certificate renewal over the link (${backend.name})`, () => {
    let hubStore: TestStore | undefined;
    let pair: SyncPair | undefined;
    beforeAll(ready);
    afterEach(async () => {
      await pair?.close();
      await hubStore?.dispose();
      pair = hubStore = undefined;
    });

    it('renews a certificate before it expires and the mission puts the renewal in force', async () => {
      hubStore = await migratedStore(backend);
      pair = await startSyncPair(hubStore);
      pair.nodeLink.start();
      const before = loadTrustMaterial(pair.node.store)?.certificate;
      const now = new Date();
      // The pair's certificate runs a year: renewing within 400 days makes it due now.
      const renewals = await renewExpiringCertificates(hubStore.db, pair.hub, pair.trust, now, 400);
      expect(renewals.map((r) => r.missionId)).toEqual(['fr-paris']);
      for (const { missionId, envelope } of renewals) pair.hubLink.publishDown(missionId, envelope);
      await expect
        .poll(() => loadTrustMaterial(pair!.node.store)?.certificate.serial, { timeout: 10_000 })
        .toBeGreaterThan(before?.serial ?? 0);
      const after = loadTrustMaterial(pair.node.store)?.certificate;
      expect(Date.parse(after?.notAfter ?? '')).toBeGreaterThan(now.getTime() + 700 * DAY);
      expect(after?.subject.keyId).toBe(pair.mission.keyId);
      const reloaded = await loadTrustStore(hubStore.db, pair.hub.toPublic());
      expect(reloaded.trust.lookup('fr-paris', pair.mission.keyId)?.validUntil).toBe(
        Date.parse(after?.notAfter ?? ''),
      );
      expect(await renewExpiringCertificates(hubStore.db, pair.hub, pair.trust, now, 180)).toEqual([]);
    });
  });
}
