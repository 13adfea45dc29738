import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seedPerson } from '../hub/services/registry/builtin-registry.js';
import { isIssuedNationalId } from '../hub/services/registry/national-id.js';
import { createRegistryService, type RegistryService } from '../hub/services/registry/registry-service.js';
import type { RegistrationInput } from '../node/services/registrations/registration-schema.js';
import { createRegistrationService } from '../node/services/registrations/registration-service.js';
import { listRegistryFollowUps } from '../node/services/registrations/registry-reconcile.js';
import { ready } from '../protocol/index.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { type SyncPair, startSyncPair } from './_util/sync-pair.js';

const consents = { processing: true, census: false, contact: false, textVersion: 'consent-2026.1' };

const anicet: RegistrationInput = {
  person: { givenNames: 'Anicet Parfait', familyName: 'Gbazoubangui', birthDate: '1979-12-01' },
  birthPlace: 'Bossangoa',
  fatherName: 'Jérôme Gbazoubangui',
  motherName: 'Solange Yadjindji',
  channel: 'counter',
  consents,
};

const prisca: RegistrationInput = {
  person: { givenNames: 'Prisca', familyName: 'Yangoupandé', birthDate: '1994-06-30' },
  birthPlace: 'Bambari',
  channel: 'counter',
  consents,
};

for (const backend of storeBackends('registry results over the link')) {
  describe(`registry reconciliation from node to hub and back (${backend.name})`, () => {
    let hubStore: TestStore | undefined;
    let pair: SyncPair | undefined;
    beforeAll(ready);
    afterEach(async () => {
      await pair?.close();
      await hubStore?.dispose();
      pair = hubStore = undefined;
    });

    async function start(): Promise<{ pair: SyncPair; service: RegistryService; hub: TestStore }> {
      hubStore = await migratedStore(backend);
      pair = await startSyncPair(hubStore);
      const link = pair.hubLink;
      const service = createRegistryService({
        db: hubStore.db,
        hub: pair.hub,
        trust: pair.trust,
        publish: (missionId, envelope) => link.publishDown(missionId, envelope),
      });
      pair.nodeLink.start();
      return { pair, service, hub: hubStore };
    }

    async function arrived(hub: TestStore): Promise<number> {
      const [row] = await hub.db.query<{ n: number }>('SELECT count(*) AS n FROM registry_submissions');
      return Number(row?.n);
    }

    it('links the national ID of a matched registration, and flags then settles one sent to review', async () => {
      const { pair, service, hub } = await start();
      await seedPerson(hub.db, {
        nationalId: 'CF-1979-004417',
        givenNames: 'Anicet Parfait',
        familyName: 'Gbazoubangui',
        birthDate: '1979-12-01',
        birthPlace: 'Bossangoa',
        fatherName: 'Jérôme Gbazoubangui',
        motherName: 'Solange Yadjindji',
      });
      const registrations = createRegistrationService({
        store: pair.node.store,
        defaultRegion: 'FR',
        now: () => new Date(),
      });
      const matched = registrations.submit(anicet, 'agent:amina');
      registrations.verify(matched.id, 'agent:amina', { documentKind: 'passport' });
      const unsure = registrations.submit({ ...prisca, nationalId: 'CF-1994-555555' }, 'agent:amina');
      const { registry } = registrations.verify(unsure.id, 'agent:amina', { documentKind: 'consular_card' });
      await expect.poll(() => arrived(hub), { timeout: 20_000 }).toBe(2);

      expect(await service.reconcileAll()).toMatchObject({ match: 1, review: 1 });
      await expect
        .poll(() => registrations.get(matched.id)?.details.nationalId, { timeout: 20_000 })
        .toBe('CF-1979-004417');
      expect(registrations.get(matched.id)?.registry).toMatchObject({
        state: 'reconciled',
        decision: 'match',
      });
      await expect
        .poll(() => registrations.get(unsure.id)?.registry.state, { timeout: 20_000 })
        .toBe('review');
      expect(listRegistryFollowUps(pair.node.store).map((f) => f.id)).toEqual([unsure.id]);

      const decided = await service.decide(registry.submissionId as string, { decision: 'new' }, 'ofc.bria');
      expect(isIssuedNationalId(decided.nationalId ?? '')).toBe(true);
      await expect
        .poll(() => registrations.get(unsure.id)?.registry.state, { timeout: 20_000 })
        .toBe('reconciled');
      expect(registrations.get(unsure.id)?.details.nationalId).toBe(decided.nationalId);
      expect(listRegistryFollowUps(pair.node.store)).toEqual([]);
    }, 60_000);

    it('sends down no national ID for a registration verified without an identity check', async () => {
      const { pair, service, hub } = await start();
      await seedPerson(hub.db, {
        nationalId: 'CF-1979-004417',
        givenNames: 'Anicet Parfait',
        familyName: 'Gbazoubangui',
        birthDate: '1979-12-01',
        birthPlace: 'Bossangoa',
        fatherName: 'Jérôme Gbazoubangui',
        motherName: 'Solange Yadjindji',
      });
      const registrations = createRegistrationService({
        store: pair.node.store,
        defaultRegion: 'FR',
        now: () => new Date(),
      });
      const unchecked = registrations.submit(anicet, 'agent:amina');
      registrations.verify(unchecked.id, 'agent:amina');
      await expect.poll(() => arrived(hub), { timeout: 20_000 }).toBe(1);
      const [stored] = await hub.db.query<{ identity_check: unknown }>(
        'SELECT identity_check FROM registry_submissions',
      );
      expect(stored?.identity_check).toBeNull();

      expect(await service.reconcileAll()).toMatchObject({ match: 0, new: 0, review: 1 });
      await expect
        .poll(() => registrations.get(unchecked.id)?.registry.state, { timeout: 20_000 })
        .toBe('review');
      expect(registrations.get(unchecked.id)?.details.nationalId).toBeUndefined();
      expect(listRegistryFollowUps(pair.node.store).map((f) => f.id)).toEqual([unchecked.id]);
    }, 60_000);
  });
}
