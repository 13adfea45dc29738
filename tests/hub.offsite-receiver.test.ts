import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../hub/db/database.js';
import { BackupReceiver } from '../hub/link/backup-receiver.js';
import { type OffsiteSettings, offsiteSettingsOf } from '../hub/services/offsite/offsite-settings.js';
import { storeChunks } from '../hub/services/offsite/store-chunk.js';
import { takeManifest } from '../hub/services/offsite/take-manifest.js';
import {
  chunkAddress,
  decodeAckFrame,
  encodeChunkFrame,
  type Identity,
  ready,
  toBase64Url,
} from '../protocol/index.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { enrolledHub } from './_util/hub-fixtures.js';
import { randomPieces, recoveryKeyPair, type SealedGeneration, sealGeneration } from './_util/offsite-hub.js';

beforeAll(ready);

describe.each(storeBackends('hub off-site receiver'))('the hub’s backup receiver on $name', (backend) => {
  let store: TestStore;
  let hub: Identity;
  let mission: Identity;
  let settings: OffsiteSettings;
  let recoveryPublicKey: Uint8Array;
  /** Transactions opened on the database, and how many of them to fail first. */
  let transactions: number;
  let failNext: number;
  let db: Database;
  let acks: { generation: number; addresses: string[] }[];
  let errors: Error[];

  const receiver = (options: { batchFrames?: number; batchBytes?: number } = {}) =>
    new BackupReceiver({
      db,
      hub,
      keyOf: () => mission.toPublic(),
      publishAck: (_missionId, frame) => {
        const ack = decodeAckFrame(frame);
        if (ack) acks.push({ generation: ack.generation, addresses: ack.addresses.map(toBase64Url) });
      },
      publishDown: () => undefined,
      onError: (error) => errors.push(error),
      ...options,
    });

  const pending = async (sealed: SealedGeneration) => {
    const status = await store.db.transaction((tx) =>
      takeManifest(
        tx,
        sealed.manifest,
        { missionId: mission.partyId, key: mission.toPublic(), now: new Date() },
        settings,
      ),
    );
    expect(status.state).toBe('missing');
  };
  const count = async (sql: string) => Number((await store.db.query<{ n: number }>(sql))[0]?.n);
  /** Every acknowledgement of each address, counted: twice is twice. */
  const ackCounts = () => {
    const counts = new Map<string, number>();
    for (const ack of acks)
      for (const address of ack.addresses) counts.set(address, (counts.get(address) ?? 0) + 1);
    return counts;
  };

  beforeEach(async () => {
    store = await migratedStore(backend);
    ({ hub, mission } = await enrolledHub(store.db));
    const recovery = recoveryKeyPair();
    recoveryPublicKey = recovery.publicKey;
    const configured = offsiteSettingsOf({
      recoveryPublicKey: toBase64Url(recovery.publicKey),
      maxBytesPerSecond: 262_144,
      keep: { daily: 7, weekly: 4, monthly: 6 },
      maxGenerationBytes: 1_000_000_000,
      maxGenerationChunks: 10_000,
    });
    if (!configured) throw new Error('settings');
    settings = configured;
    transactions = 0;
    failNext = 0;
    acks = [];
    errors = [];
    // The store, counting the transactions opened on it and failing some on demand.
    db = new Proxy(store.db, {
      get(target, property, receiverOf) {
        if (property !== 'transaction') return Reflect.get(target, property, receiverOf);
        return <T>(fn: Parameters<Database['transaction']>[0]) => {
          transactions += 1;
          if (failNext > 0) {
            failNext -= 1;
            return Promise.reject(new Error('the database went away'));
          }
          return target.transaction(fn) as Promise<T>;
        };
      },
    });
  });
  afterEach(async () => {
    await store?.dispose();
  });

  it('stores a burst of frames in batches, one transaction each, and acknowledges each chunk with its batch', async () => {
    const sealed = sealGeneration({
      mission,
      generation: 1,
      recoveryPublicKey,
      pieces: randomPieces(70, 3000),
    });
    await pending(sealed);
    const taking = receiver({ batchFrames: 64 });
    for (const chunk of sealed.chunks) taking.take(mission.partyId, encodeChunkFrame(chunk));
    await taking.stop();

    // 64 then 6, then the `stored` status held in a transaction of its own.
    expect(transactions).toBe(3);
    expect(acks.map((ack) => ack.addresses.length)).toEqual([64, 6]);
    const counts = ackCounts();
    expect(counts.size).toBe(70);
    expect(new Set(counts.values())).toEqual(new Set([1]));
    expect(await count('SELECT count(*) AS n FROM offsite_chunks')).toBe(70);
    // Applied once: the bytes received are the generation's bytes, not more.
    expect(await count('SELECT bytes_received AS n FROM offsite_generations')).toBe(sealed.manifest.bytes);
    expect(await count(`SELECT count(*) AS n FROM offsite_generations WHERE state = 'stored'`)).toBe(1);
  });

  it('bounds a batch by its bytes as well as its frames', async () => {
    const sealed = sealGeneration({
      mission,
      generation: 1,
      recoveryPublicKey,
      pieces: randomPieces(20, 3000),
    });
    await pending(sealed);
    const taking = receiver({ batchFrames: 64, batchBytes: 10_000 });
    for (const chunk of sealed.chunks) taking.take(mission.partyId, encodeChunkFrame(chunk));
    await taking.stop();
    // Frames of about 3 kB: a batch takes frames until it holds 10,000 bytes, so four at a time.
    expect(acks.map((ack) => ack.addresses.length)).toEqual([4, 4, 4, 4, 4]);
    expect(ackCounts().size).toBe(20);
  });

  it('acknowledges nothing of a batch that failed, and stores the next', async () => {
    const sealed = sealGeneration({
      mission,
      generation: 1,
      recoveryPublicKey,
      pieces: randomPieces(10, 3000),
    });
    await pending(sealed);
    const taking = receiver({ batchFrames: 5 });
    failNext = 1;
    for (const chunk of sealed.chunks) taking.take(mission.partyId, encodeChunkFrame(chunk));
    await taking.stop();

    expect(errors.map((error) => error.message)).toEqual(['the database went away']);
    const acked = [...ackCounts().keys()];
    expect(acked).toEqual(sealed.chunks.slice(5).map((chunk) => toBase64Url(chunkAddress(chunk))));
    expect(await count('SELECT count(*) AS n FROM offsite_chunks')).toBe(5);
    expect(await count(`SELECT count(*) AS n FROM offsite_generations WHERE state = 'pending'`)).toBe(1);

    // The node sends the five again once their acknowledgement is overdue: the generation completes.
    for (const chunk of sealed.chunks.slice(0, 5)) taking.take(mission.partyId, encodeChunkFrame(chunk));
    await taking.stop();
    expect(await count('SELECT count(*) AS n FROM offsite_chunks')).toBe(10);
    expect(await count(`SELECT count(*) AS n FROM offsite_generations WHERE state = 'stored'`)).toBe(1);
  });

  it('keeps a chunk sent twice in one batch once, and acknowledges both copies', async () => {
    const sealed = sealGeneration({
      mission,
      generation: 1,
      recoveryPublicKey,
      pieces: randomPieces(3, 3000),
    });
    await pending(sealed);
    const [first] = sealed.chunks;
    if (!first) throw new Error('no chunk');
    const taking = receiver();
    for (const chunk of [first, first, ...sealed.chunks.slice(1)])
      taking.take(mission.partyId, encodeChunkFrame(chunk));
    taking.take(mission.partyId, new Uint8Array([1, 2, 3]));
    await taking.stop();

    expect(ackCounts().get(toBase64Url(chunkAddress(first)))).toBe(2);
    expect(await count('SELECT count(*) AS n FROM offsite_chunks')).toBe(3);
    expect(await count('SELECT bytes_received AS n FROM offsite_generations')).toBe(sealed.manifest.bytes);
    expect(errors).toEqual([]);
  });

  it('makes a generation whole exactly once when two hub processes store its last two chunks at once', async () => {
    // On PostgreSQL the two batches run on two connections, as two hub processes' would.
    for (let generation = 1; generation <= 8; generation++) {
      const sealed = sealGeneration({
        mission,
        generation,
        recoveryPublicKey,
        pieces: randomPieces(6, 3000),
      });
      await pending(sealed);
      const [last, beforeLast, ...rest] = [...sealed.chunks].reverse();
      if (!last || !beforeLast) throw new Error('too few chunks');
      await storeChunks(db, mission.partyId, rest, new Date());
      const outcomes = await Promise.all([
        storeChunks(db, mission.partyId, [beforeLast], new Date()),
        storeChunks(db, mission.partyId, [last], new Date()),
      ]);
      expect(outcomes.flatMap((outcome) => outcome.completed).map((each) => each.status.generation)).toEqual([
        generation,
      ]);
      expect(
        await count(
          `SELECT count(*) AS n FROM offsite_generations WHERE state = 'stored' AND generation = ${generation}`,
        ),
      ).toBe(1);
    }
  });
});
