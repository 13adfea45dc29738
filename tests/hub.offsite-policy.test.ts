import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recordEnrolment } from '../hub/services/missions/enrol.js';
import { loadTrustStore } from '../hub/services/missions/trust-loader.js';
import { type OffsiteSettings, offsiteSettingsOf } from '../hub/services/offsite/offsite-settings.js';
import { sendOffsitePolicy } from '../hub/services/offsite/send-policy.js';
import { storeChunk } from '../hub/services/offsite/store-chunk.js';
import { takeManifest } from '../hub/services/offsite/take-manifest.js';
import {
  fromBase64Url,
  Identity,
  OFFSITE_POLICY,
  type OffsitePolicy,
  ready,
  sodium,
  type TrustStore,
  toBase64Url,
  toHex,
} from '../protocol/index.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { certify, enrolledHub } from './_util/hub-fixtures.js';
import { openPiece, randomPieces, recoveryKeyPair, sealGeneration } from './_util/offsite-hub.js';

beforeAll(ready);

const settingsFor = (publicKey: Uint8Array, maxBytesPerSecond = 262_144): OffsiteSettings => {
  const settings = offsiteSettingsOf({
    recoveryPublicKey: toBase64Url(publicKey),
    maxBytesPerSecond,
    keep: { daily: 7, weekly: 4, monthly: 6 },
    maxGenerationBytes: 1_000_000_000,
    maxGenerationChunks: 1000,
  });
  if (!settings) throw new Error('settings');
  return settings;
};

describe.each(storeBackends('hub off-site policy'))('hub off-site policy and sealing on $name', (backend) => {
  let store: TestStore;
  let hub: Identity;
  let mission: Identity;
  let trust: TrustStore;

  const policies = async () =>
    store.db.query<{ mission_id: string; body: OffsitePolicy }>(
      `SELECT mission_id, body FROM outbound WHERE type = '${OFFSITE_POLICY}' ORDER BY seq`,
    );

  beforeEach(async () => {
    store = await migratedStore(backend);
    ({ hub, mission, trust } = await enrolledHub(store.db));
  });
  afterEach(async () => {
    await store?.dispose();
  });

  it('sends the policy once per recovery key id and rate, and to a mission enrolled since', async () => {
    const first = recoveryKeyPair();
    const settings = settingsFor(first.publicKey);
    expect(
      (await sendOffsitePolicy(store.db, hub, trust, settings, new Date())).map((s) => s.missionId),
    ).toEqual([mission.partyId]);
    expect(await sendOffsitePolicy(store.db, hub, trust, settings, new Date())).toEqual([]);
    const [held] = await policies();
    expect(held?.body).toMatchObject({
      recoveryKey: toBase64Url(first.publicKey),
      recoveryKeyId: first.id,
      maxBytesPerSecond: 262_144,
    });

    const dakar = Identity.generate('sn-dakar');
    await recordEnrolment(store.db, hub.toPublic(), await certify(hub, dakar));
    const reloaded = (await loadTrustStore(store.db, hub.toPublic())).trust;
    expect(
      (await sendOffsitePolicy(store.db, hub, reloaded, settings, new Date())).map((s) => s.missionId),
    ).toEqual(['sn-dakar']);

    const second = recoveryKeyPair();
    const sent = await sendOffsitePolicy(store.db, hub, reloaded, settingsFor(second.publicKey), new Date());
    expect(sent.map((s) => s.missionId)).toEqual(['fr-paris', 'sn-dakar']);
    expect(
      await sendOffsitePolicy(store.db, hub, reloaded, settingsFor(second.publicKey, 65_536), new Date()),
    ).toHaveLength(2);
    expect(await policies()).toHaveLength(6);
  });

  it('holds nothing that opens a chunk: the key envelope opens only with the recovery secret', async () => {
    const recovery = recoveryKeyPair();
    const settings = settingsFor(recovery.publicKey);
    const pieces = randomPieces(3);
    const sealed = sealGeneration({ mission, generation: 1, recoveryPublicKey: recovery.publicKey, pieces });
    const now = new Date();
    await store.db.transaction((tx) =>
      takeManifest(
        tx,
        sealed.manifest,
        { missionId: mission.partyId, key: mission.toPublic(), now },
        settings,
      ),
    );
    for (const chunk of sealed.chunks) await storeChunk(store.db, mission.partyId, chunk, now);

    // Everything the hub holds of the mission's backup, as a thief of its database would have it.
    const [generation] = await store.db.query<{ manifest: { keyEnvelope: string } }>(
      'SELECT manifest FROM offsite_generations',
    );
    const chunks = await store.db.query<{ data: Uint8Array }>('SELECT data FROM offsite_chunks');
    const envelope = fromBase64Url(generation?.manifest.keyEnvelope ?? '');
    expect(chunks).toHaveLength(3);

    // No key material: neither the data key nor the recovery secret appears in any table.
    const dump = await databaseHex(store);
    expect(dump).not.toContain(toHex(sealed.dataKey));
    expect(dump).not.toContain(toHex(recovery.secretKey));
    expect(dump).not.toContain(Buffer.from(toBase64Url(recovery.secretKey)).toString('hex'));

    // Another key pair (the hub's own box key included) opens neither the envelope nor a chunk.
    for (const pair of [
      sodium.crypto_box_keypair(),
      { publicKey: hub.boxPublicKey, privateKey: hub.boxSecretKey },
    ]) {
      expect(() => sodium.crypto_box_seal_open(envelope, pair.publicKey, pair.privateKey)).toThrow();
    }
    for (const { data } of chunks) expect(openPiece(data, sodium.crypto_secretbox_keygen())).toBeNull();

    // The recovery secret, which the hub never held, opens the envelope, and its key every chunk.
    const dataKey = sodium.crypto_box_seal_open(envelope, recovery.publicKey, recovery.secretKey);
    const opened = chunks.map(({ data }) => openPiece(data, dataKey));
    expect(opened.map((piece) => (piece ? toHex(piece) : null)).sort()).toEqual(pieces.map(toHex).sort());
  });
});

/** Every row of every table of the hub's schema, as hex of its text form. */
async function databaseHex(store: TestStore): Promise<string> {
  const tables = await store.db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
  );
  const parts: string[] = [];
  for (const { table_name } of tables) {
    const rows = await store.db.query<{ row: string }>(`SELECT t::text AS row FROM "${table_name}" t`);
    for (const { row } of rows) parts.push(row);
  }
  // bytea prints as \x<hex>; other columns as text, compared through their UTF-8 hex.
  return parts.map((text) => `${text}\n${Buffer.from(text).toString('hex')}`).join('\n');
}
