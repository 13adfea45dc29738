import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { directiveWithStatus } from '../hub/services/directives/directive-status.js';
import { issueDirective } from '../hub/services/directives/issue-directive.js';
import { remindUnacknowledged } from '../hub/services/directives/remind-directives.js';
import { acknowledgeDirective, getDirective } from '../node/services/directives/directives.js';
import { ready } from '../protocol/index.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { type SyncPair, startSyncPair } from './_util/sync-pair.js';

const HOUR = 3_600_000;

for (const backend of storeBackends('directive reminders')) {
  describe(`directive reminders (${backend.name})`, () => {
    let hubStore: TestStore | undefined;
    let pair: SyncPair | undefined;
    beforeAll(ready);
    afterEach(async () => {
      await pair?.close();
      await hubStore?.dispose();
      pair = hubStore = undefined;
    });

    it('reminds a mission a day after an unacknowledged directive, once a day, and never after acknowledgement', async () => {
      hubStore = await migratedStore(backend);
      pair = await startSyncPair(hubStore);
      pair.nodeLink.start();
      const sentAt = new Date(Date.now() - 25 * HOUR);
      const issued = await issueDirective(
        hubStore.db,
        pair.hub,
        pair.trust,
        {
          title: { fr: 'Inventaire des passeports vierges' },
          body: { fr: 'Transmettre avant vendredi.' },
          target: 'all',
        },
        'DAC',
        sentAt,
      );
      for (const { missionId, envelope } of issued.envelopes) pair.hubLink.publishDown(missionId, envelope);
      const id = issued.directive.directiveId;
      await expect
        .poll(() => getDirective(pair!.node.store, id)?.receivedAt, { timeout: 10_000 })
        .toBeTruthy();

      const publish = (list: { missionId: string; envelope: Uint8Array }[]) => {
        for (const { missionId, envelope } of list) pair?.hubLink.publishDown(missionId, envelope);
      };
      const now = new Date();
      const first = await remindUnacknowledged(hubStore.db, pair.hub, pair.trust, now);
      expect(first.map((r) => r.directiveId)).toEqual([id]);
      publish(first);
      await expect
        .poll(() => getDirective(pair!.node.store, id)?.lastRemindedAt, { timeout: 10_000 })
        .toBeTruthy();
      expect(
        await remindUnacknowledged(hubStore.db, pair.hub, pair.trust, new Date(now.getTime() + HOUR)),
      ).toEqual([]);

      expect(acknowledgeDirective(pair.node.store, { directiveId: id, by: 'consul.paris' })).toBe(
        'acknowledged',
      );
      pair.nodeLink.kick();
      await expect
        .poll(async () => (await directiveWithStatus(hubStore!.db, id))?.missions[0]?.acknowledgedAt, {
          timeout: 10_000,
        })
        .toBeTruthy();
      expect(
        await remindUnacknowledged(hubStore.db, pair.hub, pair.trust, new Date(now.getTime() + 30 * HOUR)),
      ).toEqual([]);
    });
  });
}
