import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../hub/db/database.js';
import { loadMigrations, migrate } from '../hub/db/migrate.js';
import { createBuiltinRegistry, seedPerson } from '../hub/services/registry/builtin-registry.js';
import {
  blockingOf,
  CANDIDATE_LIMIT,
  CANDIDATE_SEARCH,
  NEIGHBOUR_YEARS_BELOW,
} from '../hub/services/registry/candidate-search.js';
import { ready } from '../protocol/index.js';
import { storeBackends, type TestStore } from './_util/hub-db.js';

const registry = createBuiltinRegistry();

const persons = [
  {
    nationalId: 'CF-E-0001',
    givenNames: 'Anicet Parfait',
    familyName: 'Gbazoubangui',
    birthDate: '1999-12-01',
  },
  { nationalId: 'CF-E-0002', givenNames: 'Clarisse', familyName: 'Yadjindji', birthDate: '1987' },
  { nationalId: 'CF-E-0003', givenNames: 'Jean', familyName: 'Dupont' },
];

/** Entries as the table holds them, and as the persons' own blocking keys say they should be. */
async function entriesAndExpected(db: Database) {
  const order = 'ORDER BY person_seq, key';
  const held = await db.query<Record<string, unknown>>(
    `SELECT key, dated, person_seq::text, name_folded, birth_date FROM registry_block_entries ${order}`,
  );
  const expected = await db.query<Record<string, unknown>>(
    `SELECT key, registry_birth_year(birth_date) IS NOT NULL AS dated, seq::text AS person_seq, name_folded, birth_date
       FROM registry_persons, unnest(block_keys) AS key ${order.replace('person_seq', 'seq')}`,
  );
  return { held, expected };
}

const ids = async (db: Database, person: { givenNames: string; familyName: string; birthDate?: string }) =>
  (await registry.findCandidates(db, person)).found.map((found) => found.nationalId);

for (const backend of storeBackends('registry block entries')) {
  describe(`registry block entries (${backend.name})`, () => {
    let store: TestStore | undefined;
    beforeAll(ready);
    afterEach(async () => {
      await store?.dispose();
      store = undefined;
    });

    it('holds one entry per blocking key of each person, through inserts, updates and deletes', async () => {
      store = await backend.create();
      await migrate(store.db);
      const db = store.db;
      for (const person of persons) await seedPerson(db, person);
      let state = await entriesAndExpected(db);
      // Each person has several keys: a name word and the year, the day, both names without a date.
      expect(state.held.length).toBeGreaterThanOrEqual(8);
      expect(state.held).toEqual(state.expected);
      expect(await ids(db, { givenNames: 'Clarisse', familyName: 'Yadjindji', birthDate: '1987' })).toEqual([
        'CF-E-0002',
      ]);

      // A register corrected: the old name finds nothing, the new one finds the person.
      await db.query(
        "UPDATE registry_persons SET family_name = 'Ndakala', birth_date = '1990-03-04' WHERE national_id = 'CF-E-0002'",
      );
      state = await entriesAndExpected(db);
      expect(state.held).toEqual(state.expected);
      expect(await ids(db, { givenNames: 'Clarisse', familyName: 'Yadjindji', birthDate: '1987' })).toEqual(
        [],
      );
      expect(
        await ids(db, { givenNames: 'Clarisse', familyName: 'Ndakala', birthDate: '1990-03-04' }),
      ).toEqual(['CF-E-0002']);
      // An update that leaves the keys as they were keeps the entries (the old are out before the new are in).
      await db.query("UPDATE registry_persons SET birth_place = 'Bangui' WHERE national_id = 'CF-E-0001'");
      state = await entriesAndExpected(db);
      expect(state.held).toEqual(state.expected);
      expect(
        state.held.filter((entry) => entry.name_folded === 'anicet parfait gbazoubangui').length,
      ).toBeGreaterThan(0);

      await db.query("DELETE FROM registry_persons WHERE national_id = 'CF-E-0003'");
      state = await entriesAndExpected(db);
      expect(state.held).toEqual(state.expected);
      expect(state.held.some((entry) => entry.name_folded === 'jean dupont')).toBe(false);
      expect(await ids(db, { givenNames: 'Jean', familyName: 'Dupont' })).toEqual([]);
    });

    it('enters the persons of a registry loaded before the entries existed', async () => {
      store = await backend.create();
      const migrations = await loadMigrations();
      await migrate(
        store.db,
        migrations.filter((migration) => migration.version < 28),
      );
      for (const person of persons) await seedPerson(store.db, person);
      await migrate(store.db);
      const state = await entriesAndExpected(store.db);
      expect(state.held.length).toBeGreaterThanOrEqual(8);
      expect(state.held).toEqual(state.expected);
      expect(await ids(store.db, { givenNames: 'Jean', familyName: 'Dupont' })).toEqual(['CF-E-0003']);
    });

    it('searches the years either side of a year alone for a rare name word, not for a common one', async () => {
      store = await backend.create();
      await migrate(store.db);
      const db = store.db;
      // Each born the year after the searched person's year, and sharing one name word with them.
      await seedPerson(db, {
        nationalId: 'CF-N-RARE',
        givenNames: 'Abdel',
        familyName: 'Zalingo',
        birthDate: '1978-03-02',
      });
      await seedPerson(db, {
        nationalId: 'CF-N-COMMON',
        givenNames: 'Mahamat',
        familyName: 'Kossi',
        birthDate: '1978-05-05',
      });
      const searched = { givenNames: 'Mahamat', familyName: 'Zalingo', birthDate: '1977' };
      const [mahamat] = await db.query<{ key: string }>(
        "SELECT (registry_block_keys('Mahamat', '', '1977'))[1] AS key",
      );
      const mahamatKey = (year: number) => mahamat?.key.replace('|1977', `|${year}`);
      const search = async () => {
        const set = await registry.findCandidates(db, searched);
        return { found: set.found.map((person) => person.nationalId), keys: blockingOf(set)?.searched ?? [] };
      };

      let now = await search();
      expect(now.found).toEqual(expect.arrayContaining(['CF-N-RARE', 'CF-N-COMMON']));
      expect(now.keys).toEqual(expect.arrayContaining([mahamatKey(1976), mahamatKey(1978)]));
      expect(now.keys.filter((key) => key.startsWith('y:') && key.endsWith('|1978'))).toHaveLength(2);

      // Mahamat turns common in 1977: its block that year reaches the bound.
      await db.query(
        `INSERT INTO registry_persons (id, national_id, given_names, family_name, birth_date, source)
         SELECT gen_random_uuid(), 'CF-N-' || n, 'Mahamat', 'Nom' || n, '1977-01-01', 'seed'
           FROM generate_series(1, $1::int) AS n`,
        [NEIGHBOUR_YEARS_BELOW],
      );
      now = await search();
      expect(now.keys).not.toContain(mahamatKey(1976));
      expect(now.keys).not.toContain(mahamatKey(1978));
      // Zalingo's own year is still a small block: its neighbours are still searched.
      expect(now.keys.filter((key) => key.startsWith('y:') && key.endsWith('|1978'))).toHaveLength(1);
      expect(now.found).not.toContain('CF-N-COMMON');
    });

    it('answers a search from the entries index alone, reading whole rows only for the persons it returns', async () => {
      store = await backend.create();
      await migrate(store.db);
      for (const person of persons) await seedPerson(store.db, person);
      // Three persons: the planner would read the tables whole; without that choice, the plan shows
      // how a large registry is read.
      const plan = await store.db.transaction(async (tx) => {
        await tx.query('SET LOCAL enable_seqscan = off');
        await tx.query('SET LOCAL enable_bitmapscan = off');
        const rows = await tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${CANDIDATE_SEARCH}`, [
          'Clarisse',
          'Yadjindji',
          '1987',
          null,
          CANDIDATE_LIMIT,
        ]);
        return rows.map((row) => row['QUERY PLAN']).join('\n');
      });
      expect(plan).toMatch(/Index Only Scan using registry_block_entries_by_key/);
      // registry_persons is read by sequence number (the persons returned) and name key (their counts).
      expect(plan).toMatch(/Index Scan using registry_persons_seq_key on registry_persons/);
      expect(plan).not.toMatch(/Seq Scan on registry_persons|Bitmap Heap Scan on registry_persons/);
    });
  });
}
