import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { revokeAndAnnounce } from '../hub/services/missions/revoke-and-announce.js';
import { currentRevocationList } from '../node/link/trust-material.js';
import { appendEvent, newEvent } from '../node/services/outbox/outbox.js';
import { ready } from '../protocol/index.js';
import { fileOpenedData } from './_util/event-data.js';
import { addMission, type ExtraMission } from './_util/extra-mission.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { type SyncPair, startSyncPair } from './_util/sync-pair.js';

for (const backend of storeBackends('revocation')) {
  describe(`revoking a mission (${backend.name})`, () => {
    let hubStore: TestStore | undefined;
    let pair: SyncPair | undefined;
    let other: ExtraMission | undefined;
    beforeAll(ready);
    afterEach(async () => {
      await other?.close();
      await pair?.close();
      await hubStore?.dispose();
      other = pair = hubStore = undefined;
    });

    async function eventsOf(missionId: string): Promise<number> {
      const [row] =
        (await hubStore?.db.query<{ n: number }>(
          'SELECT count(*) AS n FROM mission_events WHERE mission_id = $1',
          [missionId],
        )) ?? [];
      return Number(row?.n ?? 0);
    }

    it('shuts the revoked mission out at once and tells every other mission, signed', async () => {
      hubStore = await migratedStore(backend);
      pair = await startSyncPair(hubStore, 'fr-paris');
      other = await addMission(pair, hubStore, 'cm-yaounde');
      pair.nodeLink.start();
      other.link.start();
      await expect.poll(() => pair?.nodeLink.status().connected && other?.link.status().connected).toBe(true);
      appendEvent(
        pair.node.store,
        newEvent({ kind: 'file.opened', entity: 'file', entityId: 'F-before', data: fileOpenedData() }),
      );
      await expect.poll(() => eventsOf('fr-paris'), { timeout: 10_000 }).toBe(1);

      const list = await revokeAndAnnounce(hubStore.db, pair.hub, pair.trust, 'fr-paris', 'compromised', {
        publish: (missionId, envelope) => pair?.hubLink.publishDown(missionId, envelope),
        disconnect: (missionId) => pair?.broker.disconnect(missionId),
      });
      expect(list.entries.map((entry) => entry.partyId)).toEqual(['fr-paris']);

      await expect
        .poll(() => currentRevocationList(other!.node.store)?.serial, { timeout: 10_000 })
        .toBe(list.serial);
      expect(currentRevocationList(other.node.store)?.entries[0]?.keyId).toBe(pair.mission.keyId);
      await expect.poll(() => pair?.nodeLink.status().connected, { timeout: 10_000 }).toBe(false);
      appendEvent(
        pair.node.store,
        newEvent({ kind: 'file.opened', entity: 'file', entityId: 'F-after', data: fileOpenedData() }),
      );
      // The revoked node keeps retrying; the broker refuses its token every time.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(pair.nodeLink.status().connected).toBe(false);
      expect(await eventsOf('fr-paris')).toBe(1);
    });
  });
}
