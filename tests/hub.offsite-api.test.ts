import type { FastifyInstance } from 'fastify';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildHubApp } from '../hub/http/app.js';
import { loginRoutes } from '../hub/http/auth/login-route.js';
import { requirePermission } from '../hub/http/auth/require-permission.js';
import { offsiteRoutes } from '../hub/http/offsite-routes.js';
import { hubApiRoutes } from '../hub/http/routes.js';
import { createHubMetrics } from '../hub/metrics.js';
import { createHubServices, type HubServices } from '../hub/services/hub-services.js';
import { offsiteSettingsOf } from '../hub/services/offsite/offsite-settings.js';
import { storeChunk } from '../hub/services/offsite/store-chunk.js';
import { takeManifest } from '../hub/services/offsite/take-manifest.js';
import { type BootstrapResult, bootstrapUser, totpCodeAt } from '../hub/services/users/index.js';
import {
  chunkAddress,
  type Identity,
  randomBytes,
  ready,
  toBase64Url,
  verifyOffsiteManifest,
} from '../protocol/index.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { enrolledHub } from './_util/hub-fixtures.js';
import { randomPieces, recoveryKeyPair, type SealedGeneration, sealGeneration } from './_util/offsite-hub.js';

const HOUR = 3_600_000;

describe.each(storeBackends('hub off-site API'))('hub off-site API on $name', (backend) => {
  let store: TestStore;
  let app: FastifyInstance;
  let services: HubServices;
  let mission: Identity;
  let clock: Date;
  const tokens = { director: '', auditor: '' };
  const recovery: { publicKey: Uint8Array } = { publicKey: new Uint8Array(32) };
  beforeAll(ready);

  beforeEach(async () => {
    store = await migratedStore(backend);
    const enrolled = await enrolledHub(store.db);
    mission = enrolled.mission;
    recovery.publicKey = recoveryKeyPair().publicKey;
    clock = new Date();
    const secretsKey = randomBytes(32);
    services = createHubServices({
      db: store.db,
      hub: enrolled.hub,
      trust: enrolled.trust,
      secretsKey,
      metrics: createHubMetrics(store.db),
      publish: () => undefined,
      disconnect: () => undefined,
      now: () => clock,
      offsiteEnabled: true,
    });
    app = await buildHubApp({ logLevel: 'silent' });
    const { auth } = services;
    const guard = (permission: string) => requirePermission(permission, { auth });
    await app.register(loginRoutes, { auth });
    await app.register(offsiteRoutes, { offsite: services.offsite, guard });
    await app.register(hubApiRoutes, { services, guard, actor: () => 'test' });
    for (const [name, roles] of [
      ['director', ['directorate']],
      ['auditor', ['auditor']],
    ] as const) {
      const made = await bootstrapUser(store.db, {
        username: `ofc.${name}`,
        displayName: name,
        roles: [...roles],
        secretsKey,
        now: new Date(),
      });
      tokens[name] = await login(made);
    }
  });
  afterEach(async () => {
    await app?.close();
    await store?.dispose();
  });

  async function login(who: BootstrapResult): Promise<string> {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: {
        username: who.user.username,
        password: who.password,
        totp: totpCodeAt(who.totpSecret, new Date()),
      },
    });
    return response.json().token;
  }
  const get = (who: keyof typeof tokens, url: string) =>
    app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${tokens[who]}` } });

  /** A generation taken and, unless told, every chunk received. */
  async function stored(generation: number, chunks = 'all' as 'all' | 'none'): Promise<SealedGeneration> {
    const settings = offsiteSettingsOf({
      recoveryPublicKey: toBase64Url(recovery.publicKey),
      maxBytesPerSecond: 262_144,
      keep: { daily: 7, weekly: 4, monthly: 6 },
      maxGenerationBytes: 1_000_000_000,
      maxGenerationChunks: 1000,
    });
    const sealed = sealGeneration({
      mission,
      generation,
      recoveryPublicKey: recovery.publicKey,
      pieces: randomPieces(3),
    });
    await store.db.transaction((tx) =>
      takeManifest(
        tx,
        sealed.manifest,
        { missionId: mission.partyId, key: mission.toPublic(), now: clock },
        settings,
      ),
    );
    if (chunks === 'all')
      for (const chunk of sealed.chunks) await storeChunk(store.db, mission.partyId, chunk, clock);
    return sealed;
  }

  it('lists the generations, serves the signed manifest (audited) and each chunk to the directorate', async () => {
    const first = await stored(1);
    await stored(2, 'none');
    const list = await get('director', `/api/v1/missions/${mission.partyId}/offsite-backups`);
    expect(list.statusCode).toBe(200);
    expect(list.json().generations).toMatchObject([
      { generation: 2, state: 'pending', completedAt: null },
      { generation: 1, state: 'stored', bytes: first.manifest.bytes },
    ]);

    const manifest = await get('director', `/api/v1/missions/${mission.partyId}/offsite-backups/1`);
    expect(manifest.statusCode).toBe(200);
    expect(manifest.json()).toEqual({
      manifest: first.manifest,
      signingKey: expect.objectContaining({
        partyId: mission.partyId,
        signPublicKey: toBase64Url(mission.signPublicKey),
      }),
      state: 'stored',
    });
    // Kept as signed: the restore verifies it with the mission's key, away from the link.
    expect(verifyOffsiteManifest(manifest.json().manifest, mission.signPublicKey)).toBe(true);
    const audit = await store.db.query<{ actor: string; action: string; entity_id: string }>(
      'SELECT actor, action, entity_id FROM hub_audit_log ORDER BY seq',
    );
    expect(audit.at(-1)).toEqual({
      actor: 'officer:ofc.director',
      action: 'offsite.manifest_downloaded',
      entity_id: `${mission.partyId}/1`,
    });

    for (const chunk of first.chunks) {
      const served = await get(
        'director',
        `/api/v1/missions/${mission.partyId}/offsite-chunks/${toBase64Url(chunkAddress(chunk))}`,
      );
      expect(served.statusCode).toBe(200);
      expect(served.headers['content-type']).toBe('application/octet-stream');
      expect(new Uint8Array(served.rawPayload)).toEqual(chunk);
    }
  });

  it('refuses without offsite.restore (403), and answers 404 for an unknown address, generation or mission', async () => {
    const first = await stored(1);
    const address = toBase64Url(chunkAddress(first.chunks[0] ?? new Uint8Array(1)));
    for (const url of [
      `/api/v1/missions/${mission.partyId}/offsite-backups`,
      `/api/v1/missions/${mission.partyId}/offsite-backups/1`,
      `/api/v1/missions/${mission.partyId}/offsite-chunks/${address}`,
    ]) {
      expect((await get('auditor', url)).statusCode, url).toBe(403);
      expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(401);
    }
    const unknown = toBase64Url(randomBytes(32));
    const missing = await get('director', `/api/v1/missions/${mission.partyId}/offsite-chunks/${unknown}`);
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'not_found' } });
    // Another mission's chunk is not served under this one's id.
    expect((await get('director', `/api/v1/missions/sn-dakar/offsite-chunks/${address}`)).statusCode).toBe(
      404,
    );
    expect((await get('director', `/api/v1/missions/${mission.partyId}/offsite-backups/9`)).statusCode).toBe(
      404,
    );
    expect((await get('director', '/api/v1/missions/sn-dakar/offsite-backups')).statusCode).toBe(404);
  });

  it('gives each mission its last stored off-site backup in GET /api/v1/missions, and flags one 48 hours old', async () => {
    const before = await get('director', '/api/v1/missions');
    expect(before.json().missions[0]).toMatchObject({ id: mission.partyId, offsiteBackup: null });
    // Stored three hours ago by the services' clock; the session stays that of now.
    const now = clock;
    clock = new Date(now.getTime() - 3 * HOUR);
    const first = await stored(1);
    clock = now;
    const after = await get('director', '/api/v1/missions');
    expect(after.json().missions[0].offsiteBackup).toEqual({
      generation: 1,
      completedAt: expect.any(String),
      bytes: first.manifest.bytes,
      bytesSent: first.manifest.bytes,
      ageHours: 3,
    });
    expect(await services.offsite.overdue()).toEqual([]);
    clock = new Date(now.getTime() + 46 * HOUR);
    expect((await services.offsite.overdue()).map((m) => m.missionId)).toEqual([mission.partyId]);
  });
});
