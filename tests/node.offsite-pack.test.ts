import { readFile, stat, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { type ChunkKeys, openChunk, sealChunk } from '../node/backup/offsite/chunk-cipher.js';
import { OffsiteErrorCode } from '../node/backup/offsite/errors.js';
import { createOffsiteBackups } from '../node/backup/offsite/offsite-service.js';
import { snapshotPath } from '../node/backup/offsite/snapshot.js';
import { deriveDataKeys } from '../node/crypto/data-keys.js';
import {
  chunkAddress,
  decodeChunkFrame,
  encodeChunkFrame,
  joinAddresses,
  ready,
  sodium,
  splitAddresses,
  toHex,
  verifyOffsiteManifest,
} from '../protocol/index.js';
import { addPeople, offsiteMission, transferToMemoryHub } from './_util/offsite-node.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function mission(options: Parameters<typeof offsiteMission>[0] = {}) {
  const m = await offsiteMission(options);
  cleanups.push(m.cleanup);
  return m;
}

// A new off-site service over a mission's store: what a restarted node sees.
function serviceOver(m: Awaited<ReturnType<typeof mission>>) {
  return createOffsiteBackups({
    store: m.store,
    dataKey: m.dataKey,
    identity: m.identity,
    identityKeyFile: m.identity.exportSecret(),
    dirs: { backups: `${m.dir}/backups`, documents: `${m.dir}/documents` },
  });
}

function randomKeys(): ChunkKeys {
  return deriveDataKeys(sodium.randombytes_buf(32));
}

describe('off-site chunk sealing', () => {
  it('seals the same piece to the same bytes, and another piece to others', async () => {
    await ready();
    const keys = randomKeys();
    const piece = sodium.randombytes_buf(1000);
    expect(toHex(sealChunk(piece, keys))).toBe(toHex(sealChunk(piece, keys)));
    expect(toHex(sealChunk(sodium.randombytes_buf(1000), keys))).not.toBe(toHex(sealChunk(piece, keys)));
    expect(toHex(openChunk(sealChunk(piece, keys), keys))).toBe(toHex(piece));
  });

  it('refuses a chunk with a flipped byte, or sealed under another mission’s keys', async () => {
    await ready();
    const keys = randomKeys();
    const sealed = sealChunk(sodium.randombytes_buf(500), keys);
    const flipped = sealed.slice();
    flipped[100] = (flipped[100] ?? 0) ^ 1;
    expect(() => openChunk(flipped, keys)).toThrow(
      expect.objectContaining({ code: OffsiteErrorCode.ChunkUnreadable }),
    );
    expect(() => openChunk(sealed, randomKeys())).toThrow(
      expect.objectContaining({ code: OffsiteErrorCode.ChunkUnreadable }),
    );
  });
});

describe('sealing a chunk again from its source', () => {
  type Mission = Awaited<ReturnType<typeof mission>>;
  // The database chunk at `index` in the snapshot's order, and the snapshot's path.
  function databaseChunk(m: Mission, index: number) {
    return m.store.db
      .prepare(
        `SELECT c.address, c."offset", g.snapshot FROM offsite_chunks c JOIN offsite_generations g USING (generation)
          WHERE c.source = 'database' ORDER BY c."offset" LIMIT 1 OFFSET ?`,
      )
      .get(index) as { address: Uint8Array; offset: number; snapshot: string };
  }
  async function flipByte(path: string, at: number) {
    const bytes = await readFile(path);
    bytes[at] = (bytes[at] ?? 0) ^ 1;
    await writeFile(path, bytes);
  }

  it('refuses a database chunk whose piece of the snapshot changed after packing', async () => {
    const m = await mission();
    await m.offsite.pack();
    const changed = databaseChunk(m, 2);
    const unchanged = databaseChunk(m, 5);
    await flipByte(changed.snapshot, changed.offset + 10);
    await expect(m.offsite.chunkFrame(1, changed.address)).rejects.toMatchObject({
      code: OffsiteErrorCode.SourceGone,
    });
    const frame = await m.offsite.chunkFrame(1, unchanged.address);
    expect(toHex(chunkAddress(decodeChunkFrame(frame) ?? new Uint8Array()))).toBe(toHex(unchanged.address));
  });

  it('checks by its address a chunk recorded without a nonce (packed before nonces were kept)', async () => {
    const m = await mission();
    await m.offsite.pack();
    m.store.db.prepare('UPDATE offsite_chunks SET nonce = NULL').run();
    const changed = databaseChunk(m, 2);
    const unchanged = databaseChunk(m, 5);
    const frame = await m.offsite.chunkFrame(1, unchanged.address);
    expect(toHex(chunkAddress(decodeChunkFrame(frame) ?? new Uint8Array()))).toBe(toHex(unchanged.address));
    await flipByte(changed.snapshot, changed.offset + 10);
    // A fresh service: the one above holds the snapshot's first block, read before the change.
    const again = serviceOver(m);
    await expect(again.chunkFrame(1, changed.address)).rejects.toMatchObject({
      code: OffsiteErrorCode.SourceGone,
    });
  });
});

describe('packing a generation', () => {
  it('signs a manifest naming every chunk, with a 0600 snapshot kept until the hub holds them', async () => {
    const m = await mission();
    const packed = await m.offsite.pack();
    expect(packed.generation).toBe(1);
    expect(verifyOffsiteManifest(packed.manifest, m.identity.signPublicKey)).toBe(true);
    const addresses = splitAddresses(packed.manifest.chunks);
    expect(addresses).toHaveLength(packed.chunks);
    expect(new Set(addresses.map(toHex)).size).toBe(addresses.length);
    const snapshot = snapshotPath(`${m.dir}/backups`, 1);
    expect((await stat(snapshot)).mode & 0o777).toBe(0o600);
    // Each chunk seals again, from its source, to its address.
    let bytes = 0;
    for (const address of addresses) {
      const frame = await m.offsite.chunkFrame(1, address);
      const sealed = decodeChunkFrame(frame) ?? new Uint8Array();
      expect(toHex(chunkAddress(sealed))).toBe(toHex(address));
      // Built in one buffer, the frame is what the protocol's encoder makes of the chunk.
      expect(toHex(frame)).toBe(toHex(encodeChunkFrame(sealed)));
      bytes += sealed.length;
    }
    expect(packed.manifest.bytes).toBe(bytes);
    await transferToMemoryHub(m.offsite, packed.manifest, new Map());
    await m.offsite.prune();
    await expect(stat(snapshot)).rejects.toThrow();
    expect(m.offsite.lastStored()).toMatchObject({ generation: 1, bytes: packed.manifest.bytes });
  });

  it('packs one generation at a time: a second call while one packs gets that one', async () => {
    const m = await mission();
    const [first, second] = await Promise.all([m.offsite.pack(), m.offsite.pack()]);
    expect(second.generation).toBe(first.generation);
    expect((await m.offsite.pack()).generation).toBe(first.generation + 1);
  });

  it('refuses to pack before the hub sent a policy', async () => {
    const m = await mission();
    m.store.db.prepare('DELETE FROM offsite_policy').run();
    await expect(m.offsite.pack()).rejects.toMatchObject({ code: OffsiteErrorCode.NoPolicy });
  });

  it('numbers generations above any the hub refused as stale, and supersedes one never sent', async () => {
    const m = await mission();
    const first = await m.offsite.pack();
    m.offsite.markStatus({ state: 'refused', generation: 7, reason: 'stale_generation' });
    const second = await m.offsite.pack();
    expect(second.generation).toBe(8);
    // The first was never stored: the second replaces it as the one to send.
    expect(m.offsite.manifestToSend()?.generation).toBe(8);
    expect(
      m.store.db
        .prepare('SELECT count(*) FROM offsite_generations WHERE generation = ?')
        .pluck()
        .get(first.generation),
    ).toBe(0);
  });

  it('skips further ahead after each stale refusal in a row, to catch up with the hub in a few round trips', async () => {
    const m = await mission();
    const numbers: number[] = [];
    for (let round = 0; round < 4; round++) {
      const packed = await m.offsite.pack();
      numbers.push(packed.generation);
      expect(m.offsite.isBehindHub()).toBe(false);
      m.offsite.markStatus({ state: 'refused', generation: packed.generation, reason: 'stale_generation' });
      expect(m.offsite.isBehindHub()).toBe(true);
    }
    expect(numbers).toEqual([1, 2, 4, 8]);
  });

  it('never offers again a chunk the hub acknowledged, across a restart of the service', async () => {
    const m = await mission();
    const packed = await m.offsite.pack();
    const all = splitAddresses(packed.manifest.chunks);
    m.offsite.markStatus({ state: 'missing', generation: 1, missing: joinAddresses(all) });
    const firstBatch = m.offsite.nextChunksToSend(3);
    m.offsite.markAcknowledged(
      1,
      firstBatch.map((chunk) => chunk.address),
    );
    // A new service over the same store: what a restarted node sees.
    const again = serviceOver(m);
    const rest = again.nextChunksToSend(10_000).map((chunk) => toHex(chunk.address));
    expect(rest).toHaveLength(all.length - 3);
    for (const chunk of firstBatch) expect(rest).not.toContain(toHex(chunk.address));
    // The hub, asked again, names the rest only, and an acknowledged chunk it names is still skipped.
    m.offsite.markStatus({ state: 'missing', generation: 1, missing: joinAddresses(all) });
    expect(again.nextChunksToSend(10_000)).toHaveLength(all.length - 3);
  });

  // A mission's scans far outweigh its database (the benchmark: 1 GB of scans for 100,000
  // files); here 3,000 people and about 20 MB of scans, then 1,000 more people. The database's own
  // increment is logged too: new rows are appended, but the phone's blind index takes them at
  // random places, so a 16 KiB piece in four carries a changed page.
  it('sends far fewer bytes for a generation after 1,000 changes than for the first', async () => {
    const m = await mission({ people: 3000, photos: 12 });
    const held = new Map<string, Uint8Array>();
    const first = await m.offsite.pack();
    const firstSent = await transferToMemoryHub(m.offsite, first.manifest, held);
    addPeople(m, 1000, 3000);
    const second = await m.offsite.pack();
    const secondSent = await transferToMemoryHub(m.offsite, second.manifest, held);
    const databaseBytes = (await stat(`${m.dir}/mission.sqlite`)).size;
    const databaseNew = await newDatabaseBytes(m, first.generation, second.generation);
    const ratio = secondSent.sentBytes / firstSent.sentBytes;
    console.info(
      `off-site dedup: first ${firstSent.sentBytes} B in ${firstSent.sentChunks} chunks; after 1,000 people ` +
        `${secondSent.sentBytes} B in ${secondSent.sentChunks} chunks (${(ratio * 100).toFixed(1)} %); ` +
        `generation 2 names ${second.bytes} B; database ${databaseBytes} B, of which ${databaseNew} B sent again`,
    );
    expect(second.generation).toBe(2);
    expect(firstSent.sentBytes).toBe(first.bytes);
    expect(ratio).toBeLessThan(0.2);
    expect(databaseNew).toBeLessThan(databaseBytes * 0.5);
  }, 120_000);
});

// The database's chunks of `later` that `earlier` did not have, in sealed bytes (whole pieces).
async function newDatabaseBytes(m: Awaited<ReturnType<typeof mission>>, earlier: number, later: number) {
  const { decodeInnerManifest, PIECE_BYTES } = await import('../node/backup/offsite/inner-manifest.js');
  const inner = (generation: number) =>
    decodeInnerManifest(
      m.store.db
        .prepare('SELECT inner_manifest FROM offsite_generations WHERE generation = ?')
        .pluck()
        .get(generation) as Uint8Array,
    );
  const before = new Set(splitAddresses(inner(earlier).database.chunks).map(toHex));
  const fresh = new Set(
    splitAddresses(inner(later).database.chunks)
      .map(toHex)
      .filter((hex) => !before.has(hex)),
  );
  return fresh.size * (PIECE_BYTES.database + 40);
}
