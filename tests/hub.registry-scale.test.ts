import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../hub/db/database.js';
import { createBuiltinRegistry, seedPerson } from '../hub/services/registry/builtin-registry.js';
import { CANDIDATE_LIMIT } from '../hub/services/registry/candidate-search.js';
import { matchInRegistry } from '../hub/services/registry/registry-search.js';
import { generatedPersonId, insertGeneratedPersons } from '../ops/registry/registry-rows-sql.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { testDatabaseUrl } from './_util/services.js';

const run = promisify(execFile);
const MiB = 2 ** 20;

// 200,000 persons by default so that CI stays fast; the million with REGISTRY_SCALE_FULL=1.
const FULL = process.env.REGISTRY_SCALE_FULL === '1';
const SIZES = FULL ? [500_000, 1_000_000] : [100_000, 200_000];
// The in-memory index held 170 MiB per 100,000 persons: growing the registry by SIZES[0] persons
// would have added hundreds of MiB. A hub that holds nothing of it stays within noise.
const HEAP_GROWTH_BOUND = 8 * MiB;
const PROBE_DECISIONS = 300;

const anicet = {
  nationalId: 'CF-1979-004417',
  givenNames: 'Anicet Parfait',
  familyName: 'Gbazoubangui',
  sex: 'M' as const,
  birthDate: '1979-12-01',
  birthPlace: 'Bossangoa',
  fatherName: 'Jérôme Gbazoubangui',
};

const pg = storeBackends('registry at national scale').find((backend) => backend.name === 'pg');

/** The heap of a process deciding persons against the registry, before and after, after a full GC. */
async function probeHeap(schema: string): Promise<{ before: number; after: number; seconds: number }> {
  const { stdout } = await run(
    process.execPath,
    [
      '--expose-gc',
      '--import',
      'tsx',
      'ops/registry/search-heap-probe.ts',
      testDatabaseUrl ?? '',
      schema,
      String(PROBE_DECISIONS),
    ],
    { maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
}

describe.skipIf(!pg)(`registry of ${SIZES.at(-1)?.toLocaleString('en-US')} persons in PostgreSQL`, () => {
  let store: TestStore | undefined;
  let db: Database;
  let schema: string;
  const registry = createBuiltinRegistry();

  beforeAll(async () => {
    store = await migratedStore(pg!);
    db = store.db;
    const [row] = await db.query<{ schema: string }>('SELECT current_schema() AS schema');
    schema = row?.schema ?? '';
    await insertGeneratedPersons(db, 1, SIZES[0]!);
    await seedPerson(db, anicet);
    await db.exec('ANALYZE registry_persons, registry_block_entries');
  }, 1_800_000);
  afterAll(async () => {
    await store?.dispose();
  });

  it('finds the right person among them by a candidate search, quickly', async () => {
    const [held] = await db.query<{ id: string }>('SELECT id FROM registry_persons WHERE national_id = $1', [
      anicet.nationalId,
    ]);
    const written = {
      givenNames: 'Anicet',
      familyName: 'GBAZOUBANGI',
      birthDate: '1979-12-01',
      sex: 'M' as const,
    };
    expect(await matchInRegistry(db, registry, written)).toMatchObject({
      decision: 'match',
      registryId: held?.id,
    });
    // Generated persons, written again with their family name in capitals, are found among their homonyms.
    const samples = await db.query<{
      id: string;
      given_names: string;
      family_name: string;
      birth_date: string;
    }>(
      `SELECT id, given_names, family_name, birth_date FROM registry_persons
        WHERE id IN (SELECT (jsonb_array_elements_text($1::jsonb))::uuid) AND length(birth_date) = 10`,
      [JSON.stringify([7, 1_234, 45_678, 99_999].map(generatedPersonId))],
    );
    expect(samples.length).toBeGreaterThan(0);
    const timings: number[] = [];
    for (const sample of samples) {
      const started = performance.now();
      const found = await registry.findCandidates(db, {
        givenNames: sample.given_names,
        familyName: sample.family_name.toUpperCase(),
        birthDate: sample.birth_date,
      });
      timings.push(performance.now() - started);
      expect(found.found.map((person) => person.id)).toContain(sample.id);
      expect(found.found.length).toBeLessThanOrEqual(CANDIDATE_LIMIT);
    }
    // Generous for a loaded 2-core machine: the search reads a few blocks, not the registry.
    expect(Math.min(...timings)).toBeLessThan(500);
  });

  it('keeps the hub process heap flat as the registry grows', async () => {
    const small = await probeHeap(schema);
    await insertGeneratedPersons(db, SIZES[0]! + 1, SIZES[1]!);
    await db.exec('ANALYZE registry_persons, registry_block_entries');
    const [{ persons } = { persons: 0 }] = await db.query<{ persons: number }>(
      'SELECT count(*) AS persons FROM registry_persons',
    );
    expect(persons).toBe(SIZES[1]! + 1);
    const large = await probeHeap(schema);
    expect(large.after - small.after).toBeLessThan(HEAP_GROWTH_BOUND);
    // Nor does deciding more persons leave anything behind.
    expect(large.after - large.before).toBeLessThan(HEAP_GROWTH_BOUND);
  }, 1_800_000);
});
