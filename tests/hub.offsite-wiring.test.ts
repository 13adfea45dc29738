import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubConfigSchema } from '../hub/config/config.js';
import { createHub, type MinistryHub } from '../hub/index.js';
import { recordEnrolment } from '../hub/services/missions/enrol.js';
import {
  backupTopic,
  encodeChunkFrame,
  HELLO,
  HUB_ID,
  Identity,
  OFFSITE_MANIFEST,
  ready,
  toBase64Url,
  upTopic,
  WIRE_VERSION,
} from '../protocol/index.js';
import { certify, sealUp, throwawayHubConfig } from './_util/hub-fixtures.js';
import { scrapeApp } from './_util/metrics-scrape.js';
import { makeTempDir, type TempDir } from './_util/node-store.js';
import { randomPieces, recoveryKeyPair, sealGeneration } from './_util/offsite-hub.js';
import { MissionClient } from './_util/offsite-mission-client.js';

/**
 * The whole hub with a recovery key configured: the policy goes to an enrolled mission once it says
 * hello, the backup topics are subscribed to, a generation is stored, and /metrics and /healthz say so.
 */
describe('hub off-site backups, wired', () => {
  let dir: TempDir;
  let hub: MinistryHub | undefined;
  let node: MissionClient | undefined;
  const identity = () => Identity.generate(HUB_ID);

  beforeAll(ready);
  afterAll(async () => {
    await node?.client.endAsync(true);
    await hub?.close();
    await dir?.cleanup();
  });

  it('sends the policy, takes a generation over the backup topic, and reports it', async () => {
    dir = await makeTempDir('econsulat-hub-offsite-');
    const hubIdentity = identity();
    const mission = Identity.generate('fr-paris');
    const recovery = recoveryKeyPair();
    const config = hubConfigSchema.parse({
      ...throwawayHubConfig(dir.dir),
      offsite: { recoveryPublicKey: toBase64Url(recovery.publicKey) },
    });
    // Enrolled before the hub starts, as a mission of a running network is.
    const first = await createHub(config, hubIdentity);
    await recordEnrolment(first.context.db, hubIdentity.toPublic(), await certify(hubIdentity, mission));
    await first.close();
    hub = await createHub(config, hubIdentity);
    await hub.start();
    const health = await hub.context.app.inject({ url: '/healthz' });
    expect(health.json()).toMatchObject({ offsiteBackup: 'on' });

    node = await MissionClient.connect(`mqtt://127.0.0.1:${hub.context.broker?.port}`, mission, hubIdentity);
    const hello = {
      softwareVersion: 't',
      protocolVersion: WIRE_VERSION,
      backlog: { events: 0 },
      receivedUpTo: 0,
    };
    const up = (bytes: Uint8Array) =>
      node?.client.publishAsync(upTopic(mission.partyId), Buffer.from(bytes), { qos: 1 });
    await up(sealUp(mission, hubIdentity, HELLO, hello, 0));
    await node.until(() => (node?.policies.length ?? 0) === 1, 'the policy');
    expect(node.policies[0]).toMatchObject({ recoveryKeyId: recovery.id, maxBytesPerSecond: 262_144 });

    const generation = sealGeneration({
      mission,
      generation: 1,
      recoveryPublicKey: recovery.publicKey,
      pieces: randomPieces(3),
    });
    await up(sealUp(mission, hubIdentity, OFFSITE_MANIFEST, generation.manifest, 1));
    await node.until(() => node?.statuses.length === 1, 'the missing list');
    for (const chunk of [randomPieces(1)[0] ?? new Uint8Array(1), ...generation.chunks]) {
      await node.client.publishAsync(backupTopic(mission.partyId), Buffer.from(encodeChunkFrame(chunk)), {
        qos: 1,
      });
    }
    await node.until(() => node?.statuses.length === 2, 'the stored status');
    expect(node.statuses[1]).toMatchObject({ state: 'stored', generation: 1 });

    const metrics = await scrapeApp(hub.context.app);
    expect(metrics).toContain('econsulat_hub_offsite_chunks_total{mission="fr-paris",outcome="kept"} 3');
    expect(metrics).toContain('econsulat_hub_offsite_chunks_total{mission="fr-paris",outcome="dropped"} 1');
    expect(metrics).toContain(
      `econsulat_hub_offsite_stored_bytes{mission="fr-paris"} ${generation.manifest.bytes}`,
    );
    expect(metrics).toMatch(/econsulat_hub_offsite_last_stored_age_seconds\{mission="fr-paris"\} \d/);
  });
});
