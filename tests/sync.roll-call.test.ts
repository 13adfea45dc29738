import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createRollCallsService,
  type RollCallsService,
} from '../hub/services/roll-calls/roll-calls-service.js';
import type { Store } from '../node/db/store.js';
import { downHandlers } from '../node/link/handlers/index.js';
import { HubLink } from '../node/link/hub-connection.js';
import { createRegistrationService } from '../node/services/registrations/registration-service.js';
import { createRollCallService, type RollCallService } from '../node/services/roll-calls/index.js';
import { RollCallEvents, ready } from '../protocol/index.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { type SyncPair, startSyncPair } from './_util/sync-pair.js';

const PHONES = ['+33611111111', '+33622222222', '+33633333333'];

/** Three registered nationals in Paris, each with a phone, and one in Lyon. */
function registerNationals(store: Store): void {
  const registrations = createRegistrationService({ store, defaultRegion: 'FR' });
  const places = ['Paris', 'Paris', 'Paris', 'Lyon'];
  places.forEach((city, index) => {
    const registration = registrations.submit(
      {
        person: {
          givenNames: `Personne ${index}`,
          familyName: 'Ngaïkoumon',
          birthDate: '1988-01-01',
          phone: PHONES[index] ?? '+33644444444',
          address: `${index + 1} rue de Bangui, 75011 ${city}`,
        },
        channel: 'counter',
        census: { languages: [] },
        consents: { processing: true, census: true, contact: true, textVersion: 'consent-2026.1' },
      },
      'agent:amina',
    );
    registrations.verify(registration.id, 'agent:amina');
    registrations.activate(registration.id, 'consul:kossi');
  });
}

/** The roll_call.counts events in the node's outbox not yet delivered; with `unsealed`, not yet in any envelope. */
function pendingCounts(store: Store, unsealed = false): number {
  return store.db
    .prepare(
      `SELECT count(*) FROM outbox WHERE kind = ? AND delivered_at IS NULL
         AND seq > (CASE WHEN ? THEN (SELECT sealed_outbox_seq FROM link_channel) ELSE 0 END)`,
    )
    .pluck()
    .get(RollCallEvents.Counts, unsealed ? 1 : 0) as number;
}

for (const backend of storeBackends('roll-call sync')) {
  describe(`a roll-call ordered by HQ (${backend.name})`, () => {
    let hubStore: TestStore | undefined;
    let pair: SyncPair | undefined;
    let relink: HubLink | undefined;
    beforeAll(ready);
    afterEach(async () => {
      await relink?.stop();
      await pair?.close();
      await hubStore?.dispose();
      relink = pair = hubStore = undefined;
    });

    it('starts at a mission offline when the directive arrives, and its counts reach HQ equal to the node’s after the link returns, then its close', async () => {
      hubStore = await migratedStore(backend);
      const sync = await startSyncPair(hubStore);
      pair = sync;
      const { store } = sync.node;
      registerNationals(store);
      const hq: RollCallsService = createRollCallsService({
        db: hubStore.db,
        hub: sync.hub,
        trust: sync.trust,
        publish: (missionId, envelope) => sync.hubLink.publishDown(missionId, envelope),
        now: () => new Date(),
      });
      const node: RollCallService = createRollCallService({ store });

      // Ordered while the mission's link is down: nothing starts there yet.
      const { directive } = await hq.start(
        {
          title: 'Crue de la Seine',
          message: { fr: 'Êtes-vous en sécurité ?', sg: 'Âla yeke na nzönî ndo?', en: 'Are you safe?' },
          zone: { cities: ['Paris'] },
          endsAt: new Date(Date.now() + 86_400_000).toISOString(),
          target: ['fr-paris'],
        },
        'Direction des affaires consulaires',
      );
      const id = directive.directiveId;
      const startedAtNode = () =>
        store.db.prepare('SELECT id FROM roll_calls WHERE directive_id = ?').pluck().get(id) as
          | string
          | undefined;
      expect(startedAtNode()).toBeUndefined();

      // The link returns: the directive arrives and the roll-call starts, once.
      sync.nodeLink.start();
      await expect.poll(startedAtNode, { timeout: 15_000 }).toBeTruthy();
      const rollCallId = startedAtNode() as string;
      expect(node.get(rollCallId)).toMatchObject({ origin: 'directive', counts: { people: 3, phones: 3 } });
      await expect
        .poll(async () => (await hq.detail(id))?.missions[0]?.rollCallId, { timeout: 15_000 })
        .toBe(rollCallId);

      // The link goes down again; answers arrive by SMS meanwhile, coalesced into one counts event.
      await sync.nodeLink.stop();
      const answer = (from: string, text: string, gatewayId: string) =>
        node.receiveSms({ from, rawFrom: from, text, gatewayId });
      expect(answer(PHONES[0] as string, '1', 'gw-1').disposition).toBe('answer');
      expect(answer(PHONES[1] as string, '2', 'gw-2').disposition).toBe('answer');
      expect(answer(PHONES[2] as string, 'nous sommes au village', 'gw-3').disposition).toBe('free_text');
      expect(pendingCounts(store, true)).toBe(1);

      // The link returns: HQ's counts become the node's, and stay so.
      relink = new HubLink(sync.linkContext, downHandlers(), {
        url: `mqtt://127.0.0.1:${sync.broker.port}`,
        reconnect: { baseMs: 100, maxMs: 1000 },
      });
      relink.start();
      const atNode = node.get(rollCallId).counts;
      const expected = {
        people: atNode.people,
        reached: atNode.reached,
        safe: atNode.safe,
        needHelp: atNode.needHelp,
        notInZone: atNode.notInZone,
        noAnswer: atNode.noAnswer,
      };
      expect(expected).toEqual({ people: 3, reached: 3, safe: 1, needHelp: 1, notInZone: 0, noAnswer: 0 });
      await expect.poll(async () => (await hq.detail(id))?.totals, { timeout: 15_000 }).toEqual(expected);
      const detail = await hq.detail(id);
      expect(detail?.missions).toMatchObject([
        { missionId: 'fr-paris', rollCallId, state: 'open', counts: expected },
      ]);
      await expect.poll(() => pendingCounts(store), { timeout: 15_000 }).toBe(0);

      // Closed by the consul: HQ sees it closed, with the counts it closed on.
      expect(node.close(rollCallId, 'consul:kossi')).toBe(true);
      await expect
        .poll(async () => (await hq.detail(id))?.missions[0]?.state, { timeout: 15_000 })
        .toBe('closed');
      expect((await hq.detail(id))?.totals).toEqual(expected);
    });
  });
}
