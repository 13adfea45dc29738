import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type EmbeddedBroker, startBroker } from '../hub/broker/broker.js';
import { HubIngestLink } from '../hub/link/hub-link.js';
import { type OffsiteSettings, offsiteSettingsOf } from '../hub/services/offsite/offsite-settings.js';
import {
  backupTopic,
  chunkAddress,
  encodeChunkFrame,
  HELLO,
  type Identity,
  OFFSITE_MANIFEST,
  ready,
  splitAddresses,
  type TrustStore,
  toBase64Url,
  upTopic,
  WIRE_VERSION,
} from '../protocol/index.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { enrolledHub, sealUp } from './_util/hub-fixtures.js';
import { randomPieces, recoveryKeyPair, sealGeneration } from './_util/offsite-hub.js';
import { MissionClient } from './_util/offsite-mission-client.js';

beforeAll(ready);

describe.each(storeBackends('hub off-site transfer'))(
  'hub off-site transfer over MQTT on $name',
  (backend) => {
    let store: TestStore;
    let hub: Identity;
    let mission: Identity;
    let broker: EmbeddedBroker;
    let link: HubIngestLink;
    let node: MissionClient;
    let settings: OffsiteSettings;
    let recovery: ReturnType<typeof recoveryKeyPair>;
    let seq: number;
    const counted = { kept: 0, dropped: 0 };

    const publishUp = async (bytes: Uint8Array) =>
      node.client.publishAsync(upTopic(mission.partyId), Buffer.from(bytes), { qos: 1 });
    const publishChunk = async (chunk: Uint8Array) =>
      node.client.publishAsync(backupTopic(mission.partyId), Buffer.from(encodeChunkFrame(chunk)), {
        qos: 1,
      });
    const sendManifest = async (manifest: Parameters<typeof sealUp<typeof OFFSITE_MANIFEST>>[3]) => {
      seq += 1;
      await publishUp(sealUp(mission, hub, OFFSITE_MANIFEST, manifest, seq));
    };
    const count = async (table: string) =>
      Number((await store.db.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))[0]?.n);

    beforeEach(async () => {
      store = await migratedStore(backend);
      let trust: TrustStore;
      ({ hub, mission, trust } = await enrolledHub(store.db));
      trust.trust({ identity: hub.toPublic(), validFrom: 0, validUntil: Number.MAX_SAFE_INTEGER });
      recovery = recoveryKeyPair();
      const configured = offsiteSettingsOf({
        recoveryPublicKey: toBase64Url(recovery.publicKey),
        maxBytesPerSecond: 262_144,
        keep: { daily: 7, weekly: 4, monthly: 6 },
        maxGenerationBytes: 1_000_000_000,
        maxGenerationChunks: 10_000,
      });
      if (!configured) throw new Error('settings');
      settings = configured;
      counted.kept = 0;
      counted.dropped = 0;
      broker = await startBroker({ host: '127.0.0.1', port: 0, trust, events: { refused: () => undefined } });
      const url = `mqtt://127.0.0.1:${broker.port}`;
      link = new HubIngestLink(store.db, hub, trust, {
        url,
        clientId: 'hub-offsite-test',
        offsite: settings,
        onBackupChunk: (_missionId, kept) => {
          counted[kept ? 'kept' : 'dropped'] += 1;
        },
      });
      await link.start();
      node = await MissionClient.connect(url, mission, hub);
      // The hub publishes sequenced messages to a mission once it said hello since the hub started.
      const hello = {
        softwareVersion: 't',
        protocolVersion: WIRE_VERSION,
        backlog: { events: 0 },
        receivedUpTo: 0,
      };
      await publishUp(sealUp(mission, hub, HELLO, hello, 0));
      seq = 0;
    });
    afterEach(async () => {
      await node?.client.endAsync(true);
      await link?.stop();
      await broker?.close();
      await store?.dispose();
    });

    it('answers a manifest with what is missing, stores the chunks sent, acknowledges them, then says stored', async () => {
      const generation = sealGeneration({
        mission,
        generation: 1,
        recoveryPublicKey: recovery.publicKey,
        pieces: randomPieces(70, 3000),
      });
      await sendManifest(generation.manifest);
      await node.until(() => node.statuses.length === 1, 'the missing list');
      const [missing] = node.statuses;
      expect(missing?.state).toBe('missing');
      expect(missing?.state === 'missing' && splitAddresses(missing.missing)).toHaveLength(70);
      for (const chunk of generation.chunks) await publishChunk(chunk);
      await node.until(() => node.statuses.length === 2, 'the stored status');
      expect(node.statuses[1]).toMatchObject({
        state: 'stored',
        generation: 1,
        bytes: generation.manifest.bytes,
      });
      // Every chunk acknowledged before the status went, each with the batch it was stored in.
      expect([...node.acked.keys()].sort()).toEqual(
        generation.chunks.map((c) => toBase64Url(chunkAddress(c))).sort(),
      );
      expect(new Set(node.acked.values())).toEqual(new Set([1]));
      expect(await count('offsite_chunks')).toBe(70);
      expect(counted).toEqual({ kept: 70, dropped: 0 });
      const [row] = await store.db.query<{ state: string; bytes_received: number }>(
        'SELECT state, bytes_received FROM offsite_generations',
      );
      expect(row).toEqual({ state: 'stored', bytes_received: generation.manifest.bytes });
    });

    it('drops a chunk with a flipped byte (its address is not wanted) and stores only the good one', async () => {
      const generation = sealGeneration({
        mission,
        generation: 1,
        recoveryPublicKey: recovery.publicKey,
        pieces: randomPieces(2),
      });
      await sendManifest(generation.manifest);
      await node.until(() => node.statuses.length === 1, 'the missing list');
      const [first, second] = generation.chunks;
      if (!first || !second) throw new Error('two chunks');
      const flipped = Uint8Array.from(second);
      flipped[100] = (flipped[100] ?? 0) ^ 0x80;
      await publishChunk(flipped);
      await publishChunk(first);
      await node.until(() => node.acked.size === 1, 'the good chunk’s acknowledgement');
      expect(node.acked.has(toBase64Url(chunkAddress(first)))).toBe(true);
      expect(counted).toEqual({ kept: 1, dropped: 1 });
      const stored = await store.db.query<{ address: Uint8Array }>('SELECT address FROM offsite_chunks');
      expect(stored.map((row) => toBase64Url(row.address))).toEqual([toBase64Url(chunkAddress(first))]);
      // Resumed after a cut: the manifest again names only what is still missing.
      await sendManifest(generation.manifest);
      await node.until(() => node.statuses.length === 2, 'the second missing list');
      const again = node.statuses[1];
      expect(again?.state === 'missing' && splitAddresses(again.missing).map(toBase64Url)).toEqual([
        toBase64Url(chunkAddress(second)),
      ]);
    });

    it('drops every chunk of a mission with no pending generation, writing nothing', async () => {
      for (const chunk of randomPieces(3)) await publishChunk(chunk);
      await node.until(() => counted.dropped === 3, 'three drops');
      expect(await count('offsite_chunks')).toBe(0);
      expect(node.acked.size).toBe(0);
    });
  },
);
