import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedBroker, startBroker } from '../hub/broker/broker.js';
import { restoreFromOffsite } from '../node/backup/offsite/restore-offsite.js';
import { downHandlers } from '../node/link/handlers/index.js';
import { HubLink } from '../node/link/hub-connection.js';
import { createOffsiteLink } from '../node/link/offsite-attachment.js';
import { importEnrolment } from '../node/link/trust-material.js';
import { createNodeMetrics } from '../node/metrics.js';
import {
  ALL_BACKUP_TOPICS,
  backupAckTopic,
  chunkAddress,
  createBrokerToken,
  decodeChunkFrame,
  encodeAckFrame,
  Identity,
  OFFSITE_MANIFEST,
  OFFSITE_POLICY,
  OFFSITE_STATUS,
  type OffsiteManifest,
  ready,
  splitAddresses,
  TrustStore,
  toHex,
  verifyOffsiteManifest,
} from '../protocol/index.js';
import { enrolmentBundleFor, testLinkContext } from './_util/enrolment.js';
import { makeTempDir } from './_util/node-store.js';
import { fetchFrom, offsiteMission } from './_util/offsite-node.js';
import { ReferenceHub } from './_util/reference-hub.js';

beforeAll(ready);

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('off-site backups on the link', () => {
  it('takes the policy, announces a generation, sends what the hub lacks and records it stored', async () => {
    const m = await offsiteMission({ people: 50, photos: 2 });
    cleanups.push(m.cleanup);
    const hub = Identity.generate('hub');
    const trust = new TrustStore();
    for (const identity of [hub, m.identity]) {
      trust.trust({ identity: identity.toPublic(), validFrom: 0, validUntil: Number.MAX_SAFE_INTEGER });
    }
    const broker: EmbeddedBroker = await startBroker({
      host: '127.0.0.1',
      port: 0,
      trust,
      events: { refused: () => {} },
    });
    cleanups.push(() => broker.close());
    const url = `mqtt://127.0.0.1:${broker.port}`;
    const hubPeer = new ReferenceHub(hub, trust);
    await hubPeer.connect(url);
    cleanups.push(() => hubPeer.close());
    // The hub's chunk store: keeps every frame and acknowledges it.
    const held = new Map<string, Uint8Array>();
    let generation = 0;
    const chunks = mqtt.connect(url, {
      clientId: 'hub-offsite',
      username: 'hub',
      password: createBrokerToken(hub, Date.now()),
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    cleanups.push(() => chunks.endAsync(true));
    await new Promise<void>((resolve) => chunks.once('connect', () => resolve()));
    await chunks.subscribeAsync(ALL_BACKUP_TOPICS, { qos: 1 });
    chunks.on('message', (_topic, payload) => {
      const chunk = decodeChunkFrame(new Uint8Array(payload));
      if (!chunk) return;
      held.set(toHex(chunkAddress(chunk)), chunk.slice());
      chunks.publish(
        backupAckTopic(m.missionId),
        Buffer.from(encodeAckFrame(generation, [chunkAddress(chunk)])),
        {
          qos: 1,
        },
      );
    });

    // The node: its link, with the off-site sender on the same connection.
    m.store.db.prepare('DELETE FROM offsite_policy').run();
    const material = importEnrolment(m.store, m.identity, enrolmentBundleFor(hub, m.identity));
    const ctx = testLinkContext(m.store, m.identity, material);
    const offsite = createOffsiteLink({
      store: m.store,
      offsite: m.offsite,
      missionId: m.missionId,
      kick: () => link.kick(),
    });
    const link: HubLink = new HubLink(ctx, downHandlers(), {
      url,
      window: 2,
      drainIntervalMs: 50,
      attachments: [offsite.attachment],
      onError: (error) => console.error(error),
      onRefused: (reason) => console.error('refused', reason),
      onApplied: (type) => {
        if (type === OFFSITE_STATUS) offsite.statusApplied();
      },
    });
    cleanups.push(() => offsite.sender.stop());
    cleanups.push(() => link.stop());
    link.start();
    // Connected and subscribed: a message sent down before would find no subscription.
    await until(() => link.status().connected, 'the link');
    await new Promise((resolve) => setTimeout(resolve, 200));

    await hubPeer.sendDown(m.missionId, OFFSITE_POLICY, m.recovery.policy);
    await until(() => m.offsite.policy() !== undefined, 'the policy');
    const packed = await m.offsite.pack();
    generation = packed.generation;
    offsite.sender.announce();
    const manifestMessage = () => hubPeer.received.find((message) => message.type === OFFSITE_MANIFEST);
    await until(() => manifestMessage() !== undefined, 'the manifest');
    const manifest = manifestMessage()?.body as OffsiteManifest;
    // It arrives as signed: nothing added on the way.
    expect(manifest).toEqual(packed.manifest);
    expect(verifyOffsiteManifest(manifest, m.identity.signPublicKey)).toBe(true);

    await hubPeer.sendDown(m.missionId, OFFSITE_STATUS, {
      state: 'missing',
      generation,
      missing: manifest.chunks,
    });
    const all = splitAddresses(manifest.chunks);
    await until(() => held.size === all.length, 'every chunk at the hub');
    await until(
      () =>
        (m.store.db
          .prepare('SELECT count(*) FROM offsite_chunks WHERE acked_at IS NULL')
          .pluck()
          .get() as number) === 0,
      'every acknowledgement',
    );
    await hubPeer.sendDown(m.missionId, OFFSITE_STATUS, {
      state: 'stored',
      generation,
      completedAt: '2026-03-03T03:00:00.000Z',
      bytes: manifest.bytes,
    });
    await until(() => m.offsite.lastStored() !== undefined, 'the generation stored');
    expect(m.offsite.lastStored()).toEqual({
      generation,
      completedAt: '2026-03-03T03:00:00.000Z',
      bytes: manifest.bytes,
    });
    // And /metrics says so.
    const metrics = createNodeMetrics(m.missionId);
    metrics.offsite.watch(m.offsite);
    const scraped = await metrics.registry.metrics();
    expect(scraped).toContain(`econsulat_offsite_last_stored_generation{mission="fr-paris"} ${generation}`);
    expect(scraped).toContain(
      `econsulat_offsite_last_stored_timestamp_seconds{mission="fr-paris"} ${Date.parse('2026-03-03T03:00:00.000Z') / 1000}`,
    );
    expect(scraped).toContain('econsulat_offsite_transfer_chunks_waiting{mission="fr-paris"} 0');

    // What reached the hub is enough to rebuild the mission elsewhere.
    const target = await makeTempDir('econsulat-offsite-link-');
    cleanups.push(target.cleanup);
    const restored = await restoreFromOffsite({
      fetchChunk: fetchFrom(held),
      manifest,
      expectedMissionId: m.missionId,
      recoveryPublicKey: m.recovery.publicKey,
      recoverySecretKey: m.recovery.secretKey,
      missionSignPublicKey: m.identity.signPublicKey,
      dir: join(target.dir, 'mission'),
    });
    expect(restored.documents.restored).toBe(5);
  }, 60_000);
});
