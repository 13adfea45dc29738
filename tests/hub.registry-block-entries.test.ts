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
    `SELECT key, dated, person_seq::text, name_folded, birth_date, name_trigrams, name_trigram_bits::text
       FROM registry_block_entries ${order}`,
  );
  const expected = await db.query<Record<string, unknown>>(
    `SELECT key, registry_birth_year(birth_date) IS NOT NULL AS dated, seq::text AS person_seq, name_folded, birth_date,
            cardinality(registry_trigrams(name_folded)) AS name_trigrams,
            registry_trigram_bits(registry_trigrams(name_folded))::text AS name_trigram_bits
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
      // The trigram count and signature are the name's: "anicet parfait gbazoubangui" has 28 trigrams.
      expect(state.held.find((entry) => entry.name_folded === 'anicet parfait gbazoubangui')).toMatchObject({
        name_trigrams: 28,
      });

      await db.query("DELETE FROM registry_persons WHERE national_id = 'CF-E-0003'");
      state = await entriesAndExpected(db);
      expect(state.held).toEqual(state.expected);
      expect(state.held.some((entry) => entry.name_folded === 'jean dupont')).toBe(false);
      expect(await ids(db, { givenNames: 'Jean', familyName: 'Dupont' })).toEqual([]);
    });

    it('enters the persons of a registry loaded before the entries existed', async () => {
      store = await backend.create();
      const migrations = await loadMigrations();
      const upTo = (version: number) => migrations.filter((migration) => migration.version < version);
      const [first, ...others] = persons;
      // One person before the entries (028), the others before their trigram bounds (029).
      await migrate(store.db, upTo(28));
      if (first) await seedPerson(store.db, first);
      await migrate(store.db, upTo(29));
      for (const person of others) await seedPerson(store.db, person);
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

    it('bounds the trigram similarity of two names from above, tightly enough to leave most of a block unranked', async () => {
      store = await backend.create();
      await migrate(store.db);
      const words = [
        'mahamat',
        'issa',
        'abdoulaye',
        'moussa',
        'awa',
        'hawa',
        'ngaikosset',
        'ngakola',
        'zoe',
        'mbokani',
      ];
      const names = words.flatMap((a) => words.filter((b) => b !== a).map((b) => `${a} ${b}`));
      const [row] = await store.db.query<{
        pairs: number;
        above: number;
        under_bound: number;
        loose: number;
      }>(
        `WITH n AS (SELECT name, registry_trigrams(name) AS t FROM jsonb_array_elements_text($1::jsonb) AS name),
              pairs AS (
                SELECT registry_name_similarity(a.name, b.name) AS similarity, split_part(a.name, ' ', 1) = split_part(b.name, ' ', 1) AS first_shared,
                       registry_similarity_bound(cardinality(a.t), registry_trigram_bits(a.t), cardinality(b.t), registry_trigram_bits(b.t)) AS bound
                  FROM n a, n b)
         SELECT count(*)::int AS pairs, count(*) FILTER (WHERE bound < similarity)::int AS under_bound,
                count(*) FILTER (WHERE bound >= similarity)::int AS above,
                count(*) FILTER (WHERE first_shared AND similarity < 0.7 AND bound >= 0.99)::int AS loose
           FROM pairs`,
        [JSON.stringify(names)],
      );
      expect(row).toEqual({ pairs: names.length ** 2, above: names.length ** 2, under_bound: 0, loose: 0 });
      // Names that share one word of two are far from alike, and the bound says so: most of them
      // fall well under a best rank of about 1 (the same names), which is what spares their ranking.
      const [shared] = await store.db.query<{ share: number }>(
        `WITH n AS (SELECT registry_trigrams('mahamat ' || w) AS t FROM jsonb_array_elements_text($1::jsonb) AS w)
         SELECT avg((registry_similarity_bound(cardinality(a.t), registry_trigram_bits(a.t), cardinality(b.t), registry_trigram_bits(b.t)) < 0.8)::int)::float8 AS share
           FROM n a, n b WHERE a.t <> b.t`,
        [JSON.stringify(words.filter((word) => word !== 'mahamat'))],
      );
      expect(shared?.share).toBeGreaterThan(0.8);
    });

    it('finds the same persons in a large block as ranking all of them would', async () => {
      store = await backend.create();
      await migrate(store.db);
      const db = store.db;
      // One common given name, born over three years, with family names made of a few syllables:
      // blocks of hundreds, many names alike, and exact namesakes.
      const syllables = ['nga', 'ko', 'la', 'ba', 'zo', 'ma', 'di', 'kou', 'sse', 'to'];
      const family = (n: number) =>
        [n % 10, Math.floor(n / 10) % 10, Math.floor(n / 100) % 10].map((i) => syllables[i]).join('');
      const count = 900;
      await db.query(
        `INSERT INTO registry_persons (id, national_id, given_names, family_name, birth_date, source)
         SELECT gen_random_uuid(), 'CF-B-' || n, CASE WHEN n % 3 = 0 THEN 'Mahamat' ELSE 'Mahamat Ali' END,
                ($1::jsonb)->>(n % $2::int),
                CASE WHEN n % 4 = 0 THEN (1976 + n % 3)::text
                     ELSE (1976 + n % 3)::text || '-0' || (1 + n % 9) || '-1' || (n % 10) END, 'seed'
           FROM generate_series(1, $3::int) AS n`,
        [JSON.stringify(Array.from({ length: 300 }, (_, n) => family(n * 7))), 300, count],
      );
      await db.exec('ANALYZE registry_persons, registry_block_entries');
      const searches = [
        { givenNames: 'Mahamat', familyName: 'Ngakola', birthDate: '1977' },
        { givenNames: 'Mahamat Ali', familyName: 'Kolaba', birthDate: '1977-03-13' },
        { givenNames: 'Mahamat', familyName: 'Zomadi', birthDate: '1976-05' },
        { givenNames: 'Mahammat', familyName: 'Bazoko', birthDate: '1978-02-12' },
        { givenNames: 'Mahamat', familyName: 'Toto' },
        { givenNames: 'Ali', familyName: 'Mahamat', birthDate: '1978' },
      ];
      let ranked = 0;
      for (const searched of searches) {
        const set = await registry.findCandidates(db, searched);
        const blocking = blockingOf(set);
        const all = await db.query<{ national_id: string; persons: number }>(
          `WITH b AS (
             SELECT DISTINCT e.person_seq, e.name_folded, e.birth_date FROM registry_block_entries e
              WHERE e.key IN (SELECT jsonb_array_elements_text($1::jsonb))
                 OR (e.key IN (SELECT jsonb_array_elements_text($2::jsonb)) AND NOT e.dated AND registry_birth_year($4) IS NOT NULL))
           SELECT p.national_id, (SELECT count(*) FROM b)::int AS persons
             FROM b JOIN registry_persons p ON p.seq = b.person_seq
            ORDER BY registry_name_similarity(b.name_folded, registry_fold($3))
                       + CASE WHEN b.birth_date = $4 THEN 1
                              WHEN starts_with(b.birth_date, $4) OR starts_with($4, b.birth_date) THEN 0.7
                              WHEN registry_birth_year(b.birth_date) = registry_birth_year($4) THEN 0.3 ELSE 0 END DESC,
                     b.person_seq
            LIMIT $5`,
          [
            JSON.stringify(blocking?.searched ?? []),
            JSON.stringify(blocking?.undated ?? []),
            `${searched.givenNames} ${searched.familyName}`,
            searched.birthDate ?? null,
            CANDIDATE_LIMIT,
          ],
        );
        expect(set.found.map((person) => person.nationalId).sort()).toEqual(
          all.map((row) => row.national_id).sort(),
        );
        ranked += all[0]?.persons ?? 0;
      }
      // The blocks were large: the bound had thousands of persons to leave out.
      expect(ranked).toBeGreaterThan(searches.length * CANDIDATE_LIMIT * 4);
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
