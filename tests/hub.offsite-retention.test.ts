import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generationsToKeep } from '../hub/services/offsite/keep-generations.js';
import { type OffsiteSettings, offsiteSettingsOf } from '../hub/services/offsite/offsite-settings.js';
import { pruneOffsiteGenerations } from '../hub/services/offsite/prune-generations.js';
import { storeChunk } from '../hub/services/offsite/store-chunk.js';
import { takeManifest } from '../hub/services/offsite/take-manifest.js';
import { type Identity, ready, toBase64Url } from '../protocol/index.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { enrolledHub } from './_util/hub-fixtures.js';
import { randomPieces, recoveryKeyPair, type SealedGeneration, sealGeneration } from './_util/offsite-hub.js';

beforeAll(ready);

const DAY = 86_400_000;
const NOW = Date.parse('2026-12-05T03:00:00.000Z');

describe('off-site retention: grandfather-father-son', () => {
  // One generation a night for 400 nights, the newest last night.
  const nightly = Array.from({ length: 400 }, (_, index) => ({
    generation: index + 1,
    createdAt: new Date(NOW - (399 - index) * DAY),
  }));

  it('keeps the newest of each of the last 7 days, 4 weeks and 6 months, and no other', () => {
    const kept = generationsToKeep(nightly, { daily: 7, weekly: 4, monthly: 6 });
    const days = [...kept].map((g) => nightly[g - 1]?.createdAt.toISOString().slice(0, 10)).sort();
    // Last 7 nights; Sundays closing the 3 weeks before this one (2026-11-15, -22, -29);
    // the last day of each of the 5 months before December (the sixth month is December itself).
    expect(days).toEqual([
      '2026-07-31',
      '2026-08-31',
      '2026-09-30',
      '2026-10-31',
      '2026-11-15',
      '2026-11-22',
      '2026-11-29',
      '2026-11-30',
      '2026-12-01',
      '2026-12-02',
      '2026-12-03',
      '2026-12-04',
      '2026-12-05',
    ]);
  });

  it('counts periods that have a generation: a fortnight offline keeps the 7 last ones', () => {
    const gappy = nightly.slice(0, 380);
    const kept = generationsToKeep(gappy, { daily: 7, weekly: 0, monthly: 0 });
    expect([...kept].sort((a, b) => a - b)).toEqual([374, 375, 376, 377, 378, 379, 380]);
  });

  it('always keeps the newest, even with a rule of zeros', () => {
    expect(generationsToKeep(nightly, { daily: 0, weekly: 0, monthly: 0 })).toEqual(new Set([400]));
  });
});

describe.each(storeBackends('hub off-site retention'))('hub off-site retention on $name', (backend) => {
  let store: TestStore;
  let mission: Identity;
  let settings: OffsiteSettings;
  const recovery = () => recoveryKeyPair();

  const count = async (table: string) =>
    Number((await store.db.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))[0]?.n);
  /** Takes a generation's manifest and every chunk, as the link would. */
  const storeGeneration = async (sealed: SealedGeneration) => {
    const now = new Date();
    const status = await store.db.transaction((tx) =>
      takeManifest(
        tx,
        sealed.manifest,
        { missionId: mission.partyId, key: mission.toPublic(), now },
        settings,
      ),
    );
    expect(status.state).not.toBe('refused');
    for (const chunk of sealed.chunks) await storeChunk(store.db, mission.partyId, chunk, now);
  };

  beforeEach(async () => {
    store = await migratedStore(backend);
    ({ mission } = await enrolledHub(store.db));
    const key = recovery();
    const configured = offsiteSettingsOf({
      recoveryPublicKey: toBase64Url(key.publicKey),
      maxBytesPerSecond: 262_144,
      keep: { daily: 2, weekly: 0, monthly: 0 },
      maxGenerationBytes: 1_000_000_000,
      maxGenerationChunks: 1000,
    });
    if (!configured) throw new Error('settings');
    settings = configured;
  });
  afterEach(async () => {
    await store?.dispose();
  });

  it('deletes the generations the rule does not keep and the chunks only they named; shared chunks stay', async () => {
    const shared = randomPieces(3);
    const dataKey = sealGeneration({
      mission,
      generation: 1,
      recoveryPublicKey: settings.recoveryPublicKey,
      pieces: [],
    }).dataKey;
    const night = (generation: number, daysAgo: number) =>
      sealGeneration({
        mission,
        generation,
        recoveryPublicKey: settings.recoveryPublicKey,
        pieces: [...shared, ...randomPieces(2)],
        dataKey,
        createdAt: new Date(Date.now() - daysAgo * DAY).toISOString(),
      });
    for (const [generation, daysAgo] of [
      [1, 4],
      [2, 3],
      [3, 2],
      [4, 1],
    ] as const) {
      await storeGeneration(night(generation, daysAgo));
    }
    expect(await count('offsite_generations')).toBe(4);
    expect(await count('offsite_chunks')).toBe(3 + 4 * 2);

    const [report] = await pruneOffsiteGenerations(store.db, settings.keep);

    const left = await store.db.query<{ generation: number }>(
      'SELECT generation FROM offsite_generations ORDER BY generation',
    );
    expect(left.map((row) => row.generation)).toEqual([3, 4]);
    expect(await count('offsite_chunks')).toBe(3 + 2 * 2);
    expect(report).toMatchObject({
      missionId: mission.partyId,
      generationsDeleted: 2,
      chunksDeleted: 4,
      generationsKept: 2,
      chunks: 7,
    });
    expect(report?.bytes).toBeGreaterThan(0);
    // Every chunk a kept generation names is still there: the shared ones too.
    const named = await store.db.query<{ n: number }>(
      `SELECT count(*) AS n FROM offsite_chunks c WHERE EXISTS (
         SELECT 1 FROM offsite_generations g WHERE position(c.address IN g.addresses) > 0)`,
    );
    expect(Number(named[0]?.n)).toBe(7);
    // Applied again, nothing more goes.
    expect(await pruneOffsiteGenerations(store.db, settings.keep)).toMatchObject([
      { generationsDeleted: 0, chunksDeleted: 0 },
    ]);
  });

  it('keeps a pending transfer and the chunks it already received', async () => {
    const stored = sealGeneration({
      mission,
      generation: 1,
      recoveryPublicKey: settings.recoveryPublicKey,
      pieces: randomPieces(2),
    });
    await storeGeneration(stored);
    const pending = sealGeneration({
      mission,
      generation: 2,
      recoveryPublicKey: settings.recoveryPublicKey,
      pieces: randomPieces(3),
    });
    await store.db.transaction((tx) =>
      takeManifest(
        tx,
        pending.manifest,
        { missionId: mission.partyId, key: mission.toPublic(), now: new Date() },
        settings,
      ),
    );
    const [first] = pending.chunks;
    if (!first) throw new Error('a chunk');
    await storeChunk(store.db, mission.partyId, first, new Date());
    await pruneOffsiteGenerations(store.db, settings.keep);
    expect(await count('offsite_generations')).toBe(2);
    expect(await count('offsite_chunks')).toBe(3);
    expect(await count('offsite_missing')).toBe(2);
  });
});
