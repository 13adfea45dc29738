import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DECISIONS_PER_TRANSACTION } from '../hub/services/registry/reconcile.js';
import { type Person, ready } from '../protocol/index.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { type RegistryHub, registryHub, registryRefusing, statusOf } from './_util/registry-fixtures.js';

const clarisse: Person = {
  givenNames: 'Clarisse',
  familyName: 'Ngaïkoumon',
  sex: 'F',
  birthDate: '1991-04-23',
  birthPlace: 'Berbérati',
  motherName: 'Odile Ngaïkoumon',
};

const odette: Person = {
  givenNames: 'Odette Prisca',
  familyName: 'Yangouvonda',
  sex: 'F',
  birthDate: '1987-11-02',
  birthPlace: 'Bambari',
};

const GIVEN = ['Aubin', 'Blaise', 'Cyprien', 'Désiré', 'Eloi', 'Firmin', 'Gildas', 'Hilaire'];
const FAMILY = ['Kossi', 'Mbaye', 'Ndoumba', 'Oyono', 'Pendé', 'Sanga', 'Tanga', 'Wassa'];

/** The `n`-th of 64 persons unlike each other and unlike Clarisse (other names, years, days). */
function stranger(n: number): Person {
  return {
    givenNames: GIVEN[n % 8] as string,
    familyName: FAMILY[Math.floor(n / 8) % 8] as string,
    sex: 'M',
    birthDate: `${1940 + n}-0${1 + (n % 9)}-1${n % 10}`,
  };
}

async function personsNamed(ctx: RegistryHub, familyName: string): Promise<number> {
  const [row] = await ctx.db.query<{ n: number }>(
    'SELECT count(*) AS n FROM registry_persons WHERE family_name = $1',
    [familyName],
  );
  return Number(row?.n);
}

for (const backend of storeBackends('registry decisions in batches')) {
  describe(`registry decisions in batches, searches run ahead (${backend.name})`, () => {
    let store: TestStore | undefined;
    beforeAll(ready);
    afterEach(async () => {
      await store?.dispose();
      store = undefined;
    });

    it('finds a person recorded earlier in the same pass, in the same transaction or the one before', async () => {
      store = await migratedStore(backend);
      const ctx = await registryHub(store.db);
      // Both second registrations were searched ahead, before the transaction that records the
      // person committed: Odette's in the same transaction, Clarisse's in the next one.
      const first = await ctx.submit('paris', clarisse);
      const odetteFirst = await ctx.submit('paris', odette);
      await ctx.submit('paris', stranger(0));
      const odetteAgain = await ctx.submit('yaounde', { ...odette, birthPlace: 'Bambari (Ouaka)' });
      for (let n = 1; n < DECISIONS_PER_TRANSACTION + 5; n++) await ctx.submit('paris', stranger(n));
      const second = await ctx.submit('yaounde', { ...clarisse, birthPlace: 'Berberati' });
      const report = await ctx.service.reconcileAll();
      expect(report).toMatchObject({ match: 2, failed: 0 });
      expect(report.new).toBe(DECISIONS_PER_TRANSACTION + 7);
      expect(await statusOf(ctx, first)).toBe('new');
      expect(await statusOf(ctx, odetteFirst)).toBe('new');
      const issued = ctx.resultsFor('paris').map((result) => result.nationalId);
      expect(ctx.resultsFor('yaounde')).toEqual([
        expect.objectContaining({ submissionId: odetteAgain, decision: 'match', nationalId: issued[1] }),
        expect.objectContaining({ submissionId: second, decision: 'match', nationalId: issued[0] }),
      ]);
      expect(await personsNamed(ctx, clarisse.familyName)).toBe(1);
      expect(await personsNamed(ctx, odette.familyName)).toBe(1);
    });

    it('parks only the submission that fails and decides the rest of its transaction once', async () => {
      store = await migratedStore(backend);
      // Fault injection: the registry refuses to record one person, as a remote system might.
      const failing = registryRefusing('Défaillant');
      const ctx = await registryHub(store.db, failing);
      const before = await ctx.submit('paris', clarisse);
      const failed = await ctx.submit('paris', { givenNames: 'Rémi', familyName: 'Défaillant' });
      const same = await ctx.submit('yaounde', clarisse);
      const after = await ctx.submit('paris', stranger(1));
      const report = await ctx.service.reconcileAll();
      expect(report).toEqual({ match: 1, new: 2, review: 0, failed: 1, held: 0 });
      expect(await statusOf(ctx, failed)).toBe('review');
      expect((await ctx.service.queue()).items).toEqual([
        expect.objectContaining({ submissionId: failed, reasons: ['reconcile_failed'] }),
      ]);
      // Each decided once, each result published once, the person recorded once.
      expect(ctx.resultsFor('paris').map((result) => [result.submissionId, result.decision])).toEqual([
        [before, 'new'],
        [after, 'new'],
      ]);
      expect(ctx.resultsFor('yaounde').map((result) => [result.submissionId, result.decision])).toEqual([
        [same, 'match'],
      ]);
      const decisions = await ctx.db.query<{ n: number }>(
        'SELECT count(*) AS n FROM registry_decisions GROUP BY submission_id HAVING count(*) > 1',
      );
      expect(decisions).toEqual([]);
      expect(await personsNamed(ctx, clarisse.familyName)).toBe(1);
      expect(await ctx.service.reconcileAll()).toEqual({ match: 0, new: 0, review: 0, failed: 0, held: 0 });
    });
  });
}
