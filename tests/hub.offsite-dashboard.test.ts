import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOffsiteService } from '../hub/services/offsite/offsite-service.js';
import { offsiteSettingsOf } from '../hub/services/offsite/offsite-settings.js';
import { storeChunk } from '../hub/services/offsite/store-chunk.js';
import { takeManifest } from '../hub/services/offsite/take-manifest.js';
import { type Identity, ready, toBase64Url } from '../protocol/index.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { enrolledHub } from './_util/hub-fixtures.js';
import { type HubWebApp, openHubWeb } from './_util/hub-web.js';
import { randomPieces, recoveryKeyPair, sealGeneration } from './_util/offsite-hub.js';

beforeAll(ready);

describe.each(storeBackends('hub dashboard off-site'))(
  'hub dashboard off-site backups on $name',
  (backend) => {
    let store: TestStore;
    let web: HubWebApp;
    let mission: Identity;
    let users = 0;

    const dashboard = async () => {
      users += 1;
      const user = await web.user(`utilisateur-${users}`, ['minister_office']);
      const response = await web.app.inject({
        url: '/web/tableau-de-bord',
        headers: { cookie: await web.login(user) },
      });
      expect(response.statusCode).toBe(200);
      return response.body;
    };
    /** The pages read their services at each request: these have a recovery key configured. */
    const turnOffsiteOn = () => {
      Object.assign(web.services, {
        offsite: createOffsiteService({ db: store.db, now: () => new Date(), isEnabled: true }),
      });
    };

    beforeEach(async () => {
      store = await migratedStore(backend);
      ({ mission } = await enrolledHub(store.db));
      await store.db.query(`UPDATE missions SET enrolled_at = now() - interval '3 days'`);
      web = await openHubWeb(store.db);
    });
    afterEach(async () => {
      await web?.close();
      await store?.dispose();
    });

    it('flags a mission without a stored off-site backup for more than 48 hours, as overdue', async () => {
      turnOffsiteOn();
      const body = await dashboard();
      expect(body).toContain('id="offsite-overdue"');
      const block = body.slice(
        body.indexOf('id="offsite-overdue"'),
        body.indexOf('</section>', body.indexOf('id="offsite-overdue"')),
      );
      expect(block).toContain('Sauvegarde hors site en retard : 1 mission');
      expect(block).toContain('<li class="state-overdue" data-mission="fr-paris">');
      expect(block).toContain('aucune sauvegarde hors site reçue depuis son enrôlement');
    });

    it('shows nothing once a generation was stored within 48 hours', async () => {
      turnOffsiteOn();
      const recovery = recoveryKeyPair();
      const settings = offsiteSettingsOf({
        recoveryPublicKey: toBase64Url(recovery.publicKey),
        maxBytesPerSecond: 262_144,
        keep: { daily: 7, weekly: 4, monthly: 6 },
        maxGenerationBytes: 1_000_000_000,
        maxGenerationChunks: 1000,
      });
      const sealed = sealGeneration({
        mission,
        generation: 1,
        recoveryPublicKey: recovery.publicKey,
        pieces: randomPieces(2),
      });
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
      const body = await dashboard();
      expect(body).not.toContain('id="offsite-overdue"');
      expect(body).not.toContain('id="offsite-off"');
    });

    it('says off-site backups are off when no recovery key is configured, and flags nothing', async () => {
      const body = await dashboard();
      expect(body).toContain('id="offsite-off"');
      expect(body).not.toContain('id="offsite-overdue"');
    });
  },
);
