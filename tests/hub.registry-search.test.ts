import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../hub/db/database.js';
import { createBuiltinRegistry, seedPerson } from '../hub/services/registry/builtin-registry.js';
import {
  formatPartialDate,
  parsePartialDate,
  RegistryIndex,
} from '../hub/services/registry/matching/index.js';
import { matchInRegistry } from '../hub/services/registry/registry-search.js';
import { generateDataset } from '../ops/registry/dataset.js';
import { evaluate } from '../ops/registry/evaluate.js';
import type { PersonLine } from '../ops/registry/register-views.js';
import { type Person, ready } from '../protocol/index.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { registryHub } from './_util/registry-fixtures.js';

const registry = createBuiltinRegistry();

// A family: twins and a triplet born the same day in Bossangoa, and a father whose son bears his name.
const parents = { fatherName: 'Jérôme Gbazoubangui', motherName: 'Solange Yadjindji' };
const twin = (givenNames: string, sex: 'F' | 'M', nationalId: string) => ({
  nationalId,
  givenNames,
  familyName: 'Gbazoubangui',
  sex,
  birthDate: '1999-12-01',
  birthPlace: 'Bossangoa',
  ...parents,
});
const anicet = twin('Anicet Parfait', 'M', 'CF-1999-000001');
const clarisse = twin('Clarisse', 'F', 'CF-1999-000002');
const father = {
  nationalId: 'CF-1961-000003',
  givenNames: 'Jean',
  familyName: 'Dupont',
  sex: 'M' as const,
  birthDate: '1961-05-14',
  birthPlace: 'Bangui',
  fatherName: 'Paul Dupont',
};
const son = { ...father, nationalId: 'CF-1990-000004', birthDate: '1990-02-03', fatherName: 'Jean Dupont' };

const withoutId = ({ nationalId: _id, ...person }: Person) => person;

/** A candidate line as a mission sends it: the protocol's ISO partial date, or none. */
function wirePerson({ id: _id, birthDate, ...person }: PersonLine): Person {
  const parsed = birthDate ? parsePartialDate(birthDate) : undefined;
  return { ...person, ...(parsed ? { birthDate: formatPartialDate(parsed) } : {}) };
}

async function loadRegistry(db: Database, lines: readonly PersonLine[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const [at, line] of lines.entries()) {
    const held = await seedPerson(db, { ...wirePerson(line), nationalId: line.nationalId ?? `CF-T${at}` });
    if (held) ids.set(held.id, line.id);
  }
  return ids;
}

for (const backend of storeBackends('registry candidate search')) {
  describe(`registry candidate search in the database (${backend.name})`, () => {
    let store: TestStore | undefined;
    beforeAll(ready);
    afterEach(async () => {
      await store?.dispose();
      store = undefined;
    });

    async function seeded(): Promise<Database> {
      store = await migratedStore(backend);
      for (const person of [anicet, clarisse, father, son]) await seedPerson(store.db, person);
      return store.db;
    }

    it('finds a person written with swapped names, a slip, no accent or another date precision', async () => {
      const db = await seeded();
      const [held] = await db.query<{ id: string }>(
        "SELECT id FROM registry_persons WHERE national_id = 'CF-1999-000001'",
      );
      for (const written of [
        { givenNames: 'GBAZOUBANGUI', familyName: 'Anicet Parfait', birthDate: '1999-12-01' },
        { givenNames: 'Anicet', familyName: 'Gbazoubangi', birthDate: '1999-12-01', birthPlace: 'Bossangoa' },
        { givenNames: 'Anicet Parfait', familyName: 'Gbazoubangui', birthDate: '1999', ...parents },
        // A slip in the year: found by the day of birth.
        { givenNames: 'Anicet Parfait', familyName: 'Gbazoubangui', birthDate: '1989-12-01', ...parents },
        // No date at all: found by both names.
        { givenNames: 'Anicet Parfait', familyName: 'GBAZOUBANGUI', birthPlace: 'Bossangoa', ...parents },
      ]) {
        const found = await registry.findCandidates(db, written);
        expect(
          found.found.map((person) => person.id),
          JSON.stringify(written),
        ).toContain(held?.id);
      }
      const decided = await matchInRegistry(db, registry, withoutId(anicet));
      expect(decided).toMatchObject({ decision: 'match', registryId: held?.id });
    });

    it('never matches twins or triplets to each other, and matches each to themself', async () => {
      const db = await seeded();
      const triplet = withoutId(twin('Bienvenu', 'M', 'CF-X'));
      const decided = await matchInRegistry(db, registry, triplet);
      expect(decided.decision).not.toBe('match');
      expect(decided.reasons).toContain('same_day_sibling');
      for (const person of [anicet, clarisse]) {
        const [held] = await db.query<{ id: string }>(
          'SELECT id FROM registry_persons WHERE national_id = $1',
          [person.nationalId],
        );
        expect(await matchInRegistry(db, registry, withoutId(person))).toMatchObject({
          decision: 'match',
          registryId: held?.id,
        });
      }
    });

    it('sends a twin to an officer or says new through the whole reconciliation, issuing no shared number', async () => {
      const db = await seeded();
      const ctx = await registryHub(db);
      const submitted = await ctx.submit('paris', withoutId(twin('Bienvenu', 'M', 'CF-X')));
      const report = await ctx.service.reconcileAll();
      expect(report.match).toBe(0);
      const [row] = await db.query<{ status: string }>(
        'SELECT status FROM registry_submissions WHERE submission_id = $1::uuid',
        [submitted],
      );
      expect(['review', 'new']).toContain(row?.status);
      expect(ctx.resultsFor('paris')[0]?.nationalId).not.toBe(anicet.nationalId);
      expect(ctx.resultsFor('paris')[0]?.nationalId).not.toBe(clarisse.nationalId);
    });

    it('tells a son from the father whose name he bears', async () => {
      const db = await seeded();
      const ids = await db.query<{ id: string; national_id: string }>(
        'SELECT id, national_id FROM registry_persons',
      );
      const idOf = (nationalId: string) => ids.find((row) => row.national_id === nationalId)?.id;
      expect(await matchInRegistry(db, registry, withoutId(son))).toMatchObject({
        decision: 'match',
        registryId: idOf(son.nationalId),
      });
      expect(await matchInRegistry(db, registry, withoutId(father))).toMatchObject({
        decision: 'match',
        registryId: idOf(father.nationalId),
      });
      // The son's grandson, named after him too and born later: neither of them.
      const grandson = { ...withoutId(son), birthDate: '2015-07-09', fatherName: 'Jean Dupont' };
      expect((await matchInRegistry(db, registry, grandson)).decision).not.toBe('match');
    });

    it('sends a common name known only by its year to an officer, and matches a rare one', async () => {
      const db = await seeded();
      // 60 men named Jean Ngakola born over 60 years on full dates, none in 1985; one more whose
      // record knows only 1985; and a rare name, also known only by its year.
      for (let i = 0; i < 60; i++) {
        const year = 1940 + (i >= 45 ? i + 1 : i);
        const date = `${year}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
        await seedPerson(db, {
          givenNames: 'Jean',
          familyName: 'Ngakola',
          sex: 'M',
          birthDate: date,
          nationalId: `CF-H${i}`,
        });
      }
      await seedPerson(db, {
        givenNames: 'Jean',
        familyName: 'Ngakola',
        sex: 'M',
        birthDate: '1985',
        nationalId: 'CF-H-YEAR',
      });
      await seedPerson(db, {
        givenNames: 'Hyacinthe',
        familyName: 'Zoumaldé',
        sex: 'M',
        birthDate: '1985',
        nationalId: 'CF-R-YEAR',
      });
      const common = await matchInRegistry(db, registry, {
        givenNames: 'Jean',
        familyName: 'NGAKOLA',
        sex: 'M',
        birthDate: '1985-06-12',
      });
      expect(common).toMatchObject({ decision: 'review' });
      expect(common.reasons[0]).toBe('homonym_likely');
      const rare = await matchInRegistry(db, registry, {
        givenNames: 'Hyacinthe',
        familyName: 'Zoumaldé',
        sex: 'M',
        birthDate: '1985-06-12',
      });
      expect(rare.decision).toBe('match');
    });

    // The targets (precision ≥ 0.995, recall ≥ 0.95) are measured on 10,000 candidates by the
    // in-memory test (hub.registry-matching) and the benchmark; 300 are too few to tell 0.995 from
    // 0.99. Here: the database's search decides as the in-memory index does, and no relative is taken.
    it('decides as the in-memory index on the labelled generator with twins, triplets and namesakes', async () => {
      store = await migratedStore(backend);
      const dataset = generateDataset({ registrySize: 3000, candidateSize: 300, seed: 'sql-search' });
      const ids = await loadRegistry(store.db, dataset.registry);
      const index = new RegistryIndex(dataset.registry.map((line) => ({ ...wirePerson(line), id: line.id })));
      const decided = [];
      let same = 0;
      for (const line of dataset.candidates) {
        const person = wirePerson(line);
        const decision = await matchInRegistry(store.db, registry, person);
        const registryId = decision.registryId ? ids.get(decision.registryId) : undefined;
        decided.push({ candidate_id: line.id, decision: decision.decision, registry_id: registryId });
        const inMemory = index.match(person);
        if (inMemory.decision === decision.decision && inMemory.registryId === registryId) same++;
      }
      const quality = evaluate(decided, dataset.truth);
      expect(quality.wrongMatches.sibling).toBe(0);
      expect(quality.wrongMatches.namesake).toBe(0);
      expect(quality.precision).toBeGreaterThanOrEqual(0.98);
      expect(quality.recall).toBeGreaterThanOrEqual(0.93);
      expect(quality.reviewRate).toBeLessThanOrEqual(0.1);
      expect(same / dataset.candidates.length).toBeGreaterThanOrEqual(0.97);
    }, 300_000);
  });
}
