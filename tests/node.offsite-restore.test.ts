import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openChunk } from '../node/backup/offsite/chunk-cipher.js';
import { OffsiteErrorCode } from '../node/backup/offsite/errors.js';
import { openGenerationKeys } from '../node/backup/offsite/key-envelope.js';
import { type OffsiteRestoreOptions, restoreFromOffsite } from '../node/backup/offsite/restore-offsite.js';
import { deriveDataKeys } from '../node/crypto/data-keys.js';
import { loadDataKey } from '../node/crypto/key-file.js';
import { openStore } from '../node/db/store.js';
import {
  Identity,
  type OffsiteManifest,
  ready,
  signOffsiteManifest,
  sodium,
  splitAddresses,
  toHex,
} from '../protocol/index.js';
import { makeTempDir } from './_util/node-store.js';
import { addPeople, fetchFrom, offsiteMission, transferToMemoryHub } from './_util/offsite-node.js';

beforeAll(ready);

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function tempDir(): Promise<string> {
  const temp = await makeTempDir('econsulat-offsite-restore-');
  cleanups.push(temp.cleanup);
  return temp.dir;
}

/** A mission with one generation stored at a memory hub. */
async function storedMission(missionId = 'fr-paris') {
  const m = await offsiteMission({ people: 30, missionId });
  cleanups.push(m.cleanup);
  const held = new Map<string, Uint8Array>();
  const packed = await m.offsite.pack();
  await transferToMemoryHub(m.offsite, packed.manifest, held);
  return { ...m, held, manifest: packed.manifest };
}

function restoreOptions(
  m: Awaited<ReturnType<typeof storedMission>>,
  dir: string,
  overrides: Partial<OffsiteRestoreOptions> = {},
): OffsiteRestoreOptions {
  return {
    fetchChunk: fetchFrom(m.held),
    manifest: m.manifest,
    expectedMissionId: m.missionId,
    recoveryPublicKey: m.recovery.publicKey,
    recoverySecretKey: m.recovery.secretKey,
    dir,
    ...overrides,
  };
}

// Every table's rows but those a restore changes on purpose (the channel marked restored, the
// off-site counter raised) or that were written after the snapshot (the generation's own rows).
function tableRows(path: string): Record<string, unknown[]> {
  const db = new Database(path, { readonly: true });
  try {
    const tables = db
      .prepare(
        `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
           AND name NOT LIKE 'offsite_%' AND name <> 'link_channel' ORDER BY name`,
      )
      .pluck()
      .all() as string[];
    return Object.fromEntries(tables.map((name) => [name, db.prepare(`SELECT * FROM "${name}"`).all()]));
  } finally {
    db.close();
  }
}

/** Each file under a folder with its SHA-256: a picture of a directory to compare after a refusal. */
async function dirState(dir: string): Promise<Record<string, string>> {
  const state: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    state[path.slice(dir.length)] = createHash('sha256')
      .update(await readFile(path))
      .digest('hex');
  }
  return state;
}

/** A data directory holding a node's files already: what a refused restore must leave alone. */
async function plantedDir(): Promise<string> {
  const dir = await tempDir();
  await writeFile(join(dir, 'mission.sqlite'), 'the database in place');
  await mkdir(join(dir, 'documents'));
  await writeFile(join(dir, 'documents', 'marker'), 'a scan in place');
  return dir;
}

async function expectRefusedUntouched(options: OffsiteRestoreOptions, code: string): Promise<void> {
  const before = await dirState(options.dir);
  await expect(restoreFromOffsite({ ...options, force: true })).rejects.toMatchObject({ code });
  expect(await dirState(options.dir)).toEqual(before);
}

describe('restoring a mission from its off-site backup', () => {
  it('rebuilds the database, the scans and the keys in a fresh directory', async () => {
    const m = await storedMission();
    const dir = join(await tempDir(), 'mission');
    const seen: number[] = [];
    const result = await restoreFromOffsite(restoreOptions(m, dir, { onProgress: (p) => seen.push(p.done) }));
    expect(result).toMatchObject({ missionId: 'fr-paris', generation: 1, documents: { missing: [] } });
    expect(result.documents.restored).toBe(3);
    expect(seen.at(-1)).toBe(splitAddresses(m.manifest.chunks).length);
    // The scans, byte for byte.
    const names = (await readdir(join(m.dir, 'documents'))).sort();
    expect((await readdir(join(dir, 'documents'))).sort()).toEqual(names);
    for (const name of names) {
      expect(toHex(await readFile(join(dir, 'documents', name)))).toBe(
        toHex(await readFile(join(m.dir, 'documents', name))),
      );
    }
    // The database, row for row.
    m.store.close();
    expect(tableRows(join(dir, 'mission.sqlite'))).toEqual(tableRows(join(m.dir, 'mission.sqlite')));
    // The keys, in their files, 0600; the restored database opens with the data key.
    const dataKey = await loadDataKey(join(dir, 'keys', 'data.key'));
    expect(toHex(dataKey)).toBe(toHex(m.dataKey));
    expect(await readFile(join(dir, 'keys', 'identity.key'), 'utf8')).toBe(m.identity.exportSecret());
    expect((await stat(join(dir, 'keys', 'identity.key'))).mode & 0o777).toBe(0o600);
    const restored = await openStore({ path: join(dir, 'mission.sqlite'), dataKey });
    // The next generation is numbered above the one restored, which the hub holds.
    expect(restored.db.prepare('SELECT last_generation FROM offsite_counter').pluck().get()).toBe(1);
    restored.close();
  });

  it('fetches a few chunks ahead of the one it writes, never more than eight at once', async () => {
    const m = await storedMission();
    let fetching = 0;
    let most = 0;
    const held = fetchFrom(m.held);
    // Each fetch answers after a delay, as over a long link: a restore fetching one chunk at a time
    // would never have two in flight.
    const slow = async (address: Uint8Array) => {
      most = Math.max(most, ++fetching);
      await new Promise((resolve) => setTimeout(resolve, 2));
      fetching -= 1;
      return held(address);
    };
    const dir = join(await tempDir(), 'mission');
    await restoreFromOffsite(restoreOptions(m, dir, { fetchChunk: slow }));
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(8);
  });

  it('refuses a chunk with a flipped byte (offsite_address_mismatch), changing nothing', async () => {
    const m = await storedMission();
    const [first] = splitAddresses(m.manifest.chunks);
    const damaged = new Map(m.held);
    const bytes = (damaged.get(toHex(first as Uint8Array)) as Uint8Array).slice();
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0x01;
    damaged.set(toHex(first as Uint8Array), bytes);
    const dir = await plantedDir();
    await expectRefusedUntouched(
      restoreOptions(m, dir, { fetchChunk: fetchFrom(damaged) }),
      OffsiteErrorCode.AddressMismatch,
    );
  });

  it('refuses a generation with a chunk missing (offsite_chunk_missing), changing nothing', async () => {
    const m = await storedMission();
    const addresses = splitAddresses(m.manifest.chunks);
    const lacking = new Map(m.held);
    lacking.delete(toHex(addresses[addresses.length - 2] as Uint8Array));
    const dir = await plantedDir();
    await expectRefusedUntouched(
      restoreOptions(m, dir, { fetchChunk: fetchFrom(lacking) }),
      OffsiteErrorCode.ChunkMissing,
    );
  });

  it('refuses another mission’s manifest, and one not signed by the identity it carries', async () => {
    const m = await storedMission();
    const dakar = await storedMission('sn-dakar');
    const dir = await plantedDir();
    await expectRefusedUntouched(
      restoreOptions(m, dir, {
        manifest: dakar.manifest,
        fetchChunk: fetchFrom(dakar.held),
        recoveryPublicKey: dakar.recovery.publicKey,
        recoverySecretKey: dakar.recovery.secretKey,
      }),
      OffsiteErrorCode.WrongMission,
    );
    const { signature: _, ...unsigned } = m.manifest;
    const forged = signOffsiteManifest(unsigned, Identity.generate('fr-paris'));
    await expectRefusedUntouched(restoreOptions(m, dir, { manifest: forged }), OffsiteErrorCode.BadSignature);
    // Signed by the mission, but not the key the registry knows for it.
    await expectRefusedUntouched(
      restoreOptions(m, dir, { missionSignPublicKey: Identity.generate('fr-paris').signPublicKey }),
      OffsiteErrorCode.BadSignature,
    );
  });

  it('refuses a generation older than one already restored (offsite_older_generation), changing nothing', async () => {
    const m = await storedMission();
    const first = m.manifest;
    addPeople(m, 10, 500);
    const second = await m.offsite.pack();
    await transferToMemoryHub(m.offsite, second.manifest, m.held);
    const dir = join(await tempDir(), 'mission');
    await restoreFromOffsite(restoreOptions(m, dir, { manifest: second.manifest }));
    await expectRefusedUntouched(
      restoreOptions(m, dir, { manifest: first }),
      OffsiteErrorCode.OlderGeneration,
    );
  });

  it('gives nothing to whoever holds only what the hub holds', async () => {
    const m = await storedMission();
    const manifest: OffsiteManifest = m.manifest;
    const stranger = sodium.crypto_box_keypair();
    expect(() =>
      openGenerationKeys(manifest.keyEnvelope, {
        publicKey: m.recovery.publicKey,
        secretKey: stranger.privateKey,
      }),
    ).toThrow(expect.objectContaining({ code: OffsiteErrorCode.EnvelopeUnreadable }));
    expect(() =>
      openGenerationKeys(manifest.keyEnvelope, {
        publicKey: stranger.publicKey,
        secretKey: stranger.privateKey,
      }),
    ).toThrow(expect.objectContaining({ code: OffsiteErrorCode.EnvelopeUnreadable }));
    const guessed = deriveDataKeys(sodium.randombytes_buf(32));
    for (const chunk of m.held.values()) {
      expect(() => openChunk(chunk, guessed)).toThrow(
        expect.objectContaining({ code: OffsiteErrorCode.ChunkUnreadable }),
      );
    }
    const dir = await plantedDir();
    await expectRefusedUntouched(
      restoreOptions(m, dir, {
        recoveryPublicKey: stranger.publicKey,
        recoverySecretKey: stranger.privateKey,
      }),
      OffsiteErrorCode.RecoveryKeyMismatch,
    );
  });
});
