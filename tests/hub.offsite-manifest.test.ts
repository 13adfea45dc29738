import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ingestEnvelope } from '../hub/ingest/ingest-envelope.js';
import type { IngestContext } from '../hub/ingest/ingest-types.js';
import { type OffsiteSettings, offsiteSettingsOf } from '../hub/services/offsite/offsite-settings.js';
import { storeChunk } from '../hub/services/offsite/store-chunk.js';
import {
  chunkAddress,
  Identity,
  OFFSITE_MANIFEST,
  type OffsiteManifest,
  type OffsiteStatus,
  ready,
  splitAddresses,
  toBase64Url,
} from '../protocol/index.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { enrolledHub, sealUp } from './_util/hub-fixtures.js';
import { randomPieces, recoveryKeyPair, sealGeneration } from './_util/offsite-hub.js';

beforeAll(ready);

describe.each(storeBackends('hub off-site manifests'))('hub off-site manifests on $name', (backend) => {
  let store: TestStore;
  let hub: Identity;
  let mission: Identity;
  let context: () => IngestContext;
  let settings: OffsiteSettings;
  let recovery: ReturnType<typeof recoveryKeyPair>;
  let seq = 0;

  const send = async (manifest: OffsiteManifest, as: Identity = mission): Promise<OffsiteStatus> => {
    seq += 1;
    const outcome = await ingestEnvelope(store.db, sealUp(as, hub, OFFSITE_MANIFEST, manifest, seq), {
      ...context(),
      offsite: settings,
    });
    expect(outcome).toMatchObject({ status: 'applied', seq });
    if (outcome.status !== 'applied') throw new Error('not applied');
    expect(outcome.resend).toHaveLength(1);
    return lastStatus();
  };
  const lastStatus = async () => {
    const [row] = await store.db.query<{ body: OffsiteStatus }>(
      "SELECT body FROM outbound WHERE type = 'offsite.status' ORDER BY seq DESC LIMIT 1",
    );
    if (!row) throw new Error('no status held');
    return row.body;
  };
  const generation = (number: number, pieces = randomPieces(3)) =>
    sealGeneration({ mission, generation: number, recoveryPublicKey: recovery.publicKey, pieces });
  const count = async (table: string) =>
    Number((await store.db.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))[0]?.n);

  beforeEach(async () => {
    store = await migratedStore(backend);
    ({ hub, mission, context } = await enrolledHub(store.db));
    recovery = recoveryKeyPair();
    const configured = offsiteSettingsOf({
      recoveryPublicKey: toBase64Url(recovery.publicKey),
      maxBytesPerSecond: 262_144,
      keep: { daily: 7, weekly: 4, monthly: 6 },
      maxGenerationBytes: 1_000_000,
      maxGenerationChunks: 50,
    });
    if (!configured) throw new Error('settings');
    settings = configured;
    seq = 0;
  });
  afterEach(async () => {
    await store?.dispose();
  });

  it('keeps a new generation as pending and answers with every chunk it lacks', async () => {
    const first = generation(1);
    const status = await send(first.manifest);
    expect(status).toMatchObject({ state: 'missing', generation: 1 });
    const missing = status.state === 'missing' ? splitAddresses(status.missing) : [];
    expect(new Set(missing.map(toBase64Url))).toEqual(
      new Set(first.chunks.map(chunkAddress).map(toBase64Url)),
    );
    const [row] = await store.db.query<{ state: string; chunk_count: number }>(
      'SELECT state, chunk_count FROM offsite_generations',
    );
    expect(row).toMatchObject({ state: 'pending', chunk_count: 3 });
  });

  it('answers a manifest sent again with what is still missing, and writes nothing more', async () => {
    const first = generation(1);
    await send(first.manifest);
    const [chunk] = first.chunks;
    if (!chunk) throw new Error('no chunk');
    expect(await storeChunk(store.db, mission.partyId, chunk, new Date())).toMatchObject({ kept: true });
    const status = await send(first.manifest);
    expect(status.state === 'missing' && splitAddresses(status.missing)).toHaveLength(2);
    expect(await count('offsite_generations')).toBe(1);
    expect(await count('offsite_missing')).toBe(2);
  });

  it('stores a generation once every chunk is held, and answers stored to its manifest again', async () => {
    const first = generation(1);
    await send(first.manifest);
    for (const chunk of first.chunks) await storeChunk(store.db, mission.partyId, chunk, new Date());
    expect(await count('offsite_missing')).toBe(0);
    const status = await send(first.manifest);
    expect(status).toMatchObject({ state: 'stored', generation: 1, bytes: first.manifest.bytes });
  });

  it('answers stored at once when the hub already holds every chunk of the generation', async () => {
    const pieces = randomPieces(4);
    const dataKey = generation(1).dataKey;
    const seal = (number: number) =>
      sealGeneration({ mission, generation: number, recoveryPublicKey: recovery.publicKey, pieces, dataKey });
    const first = seal(1);
    await send(first.manifest);
    for (const chunk of first.chunks) await storeChunk(store.db, mission.partyId, chunk, new Date());
    expect(await send(seal(2).manifest)).toMatchObject({ state: 'stored', generation: 2 });
  });

  it('refuses a manifest signed by another mission’s key, or naming another mission, as bad_signature', async () => {
    const stranger = Identity.generate('fr-paris');
    const forged = sealGeneration({
      mission: stranger,
      generation: 1,
      recoveryPublicKey: recovery.publicKey,
      pieces: randomPieces(2),
    });
    expect(await send(forged.manifest)).toEqual({ state: 'refused', generation: 1, reason: 'bad_signature' });
    const dakars = sealGeneration({
      mission,
      missionId: 'sn-dakar',
      generation: 1,
      recoveryPublicKey: recovery.publicKey,
      pieces: randomPieces(2),
    });
    expect(await send(dakars.manifest)).toEqual({ state: 'refused', generation: 1, reason: 'bad_signature' });
    expect(await count('offsite_generations')).toBe(0);
  });

  it('refuses a replayed older manifest as stale_generation, the stored generation untouched', async () => {
    const older = generation(1);
    const newer = generation(2);
    await send(newer.manifest);
    for (const chunk of newer.chunks) await storeChunk(store.db, mission.partyId, chunk, new Date());
    expect(await send(older.manifest)).toEqual({
      state: 'refused',
      generation: 1,
      reason: 'stale_generation',
    });
    const other = generation(2);
    expect(await send(other.manifest)).toEqual({
      state: 'refused',
      generation: 2,
      reason: 'stale_generation',
    });
    const rows = await store.db.query<{ generation: number; state: string }>(
      'SELECT generation, state FROM offsite_generations',
    );
    expect(rows).toEqual([{ generation: 2, state: 'stored' }]);
  });

  it('refuses a generation sealed to a recovery key the ministry does not use', async () => {
    const elsewhere = sealGeneration({
      mission,
      generation: 1,
      recoveryPublicKey: recoveryKeyPair().publicKey,
      pieces: randomPieces(2),
    });
    expect(await send(elsewhere.manifest)).toEqual({
      state: 'refused',
      generation: 1,
      reason: 'recovery_key_unknown',
    });
  });

  it('refuses every manifest as recovery_key_unknown while no recovery key is configured', async () => {
    seq += 1;
    const outcome = await ingestEnvelope(
      store.db,
      sealUp(mission, hub, OFFSITE_MANIFEST, generation(1).manifest, seq),
      context(),
    );
    expect(outcome).toMatchObject({ status: 'applied' });
    expect(await lastStatus()).toMatchObject({ state: 'refused', reason: 'recovery_key_unknown' });
  });

  it('refuses a generation of more chunks or bytes than the hub takes as too_large', async () => {
    expect(await send(generation(1, randomPieces(51, 10)).manifest)).toMatchObject({ reason: 'too_large' });
    expect(await send(generation(2, randomPieces(2, 600_000)).manifest)).toMatchObject({
      reason: 'too_large',
    });
    expect(await count('offsite_generations')).toBe(0);
  });

  it('drops a chunk whose address no pending generation lacks (a flipped byte), writing nothing', async () => {
    const first = generation(1);
    await send(first.manifest);
    const flipped = Uint8Array.from(first.chunks[0] ?? []);
    flipped[10] = (flipped[10] ?? 0) ^ 0x01;
    expect(await storeChunk(store.db, mission.partyId, flipped, new Date())).toMatchObject({ kept: false });
    expect(await count('offsite_chunks')).toBe(0);
    expect(await count('offsite_missing')).toBe(3);
  });
});
