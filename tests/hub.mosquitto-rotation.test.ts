import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMosquittoFiles, writeMosquittoFiles } from '../hub/broker/mosquitto-config.js';
import { rotateMissionKey } from '../hub/services/missions/rotate-key.js';
import {
  createKeyRotationRequest,
  HUB_ID,
  Identity,
  missionBrokerPassword,
  ready,
} from '../protocol/index.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { type EnrolledMission, enrolMission, uniqueMissionId } from './_util/mission-link.js';
import { makeTempDir, type TempDir } from './_util/node-store.js';
import { hasMosquitto, type PrivateMosquitto, startPrivateMosquitto } from './_util/private-mosquitto.js';
import { announceSkip } from './_util/services.js';

if (!hasMosquitto) announceSkip('Mosquitto after a key rotation', 'PATH (to include mosquitto)');

describe.runIf(hasMosquitto)('an external Mosquitto after a key rotation', () => {
  let hubStore: TestStore | undefined;
  let temp: TempDir | undefined;
  let broker: PrivateMosquitto | undefined;
  let mission: EnrolledMission | undefined;
  beforeAll(ready);
  afterAll(async () => {
    await broker?.stop();
    await mission?.node.cleanup();
    await hubStore?.dispose();
    await temp?.cleanup();
  });

  it('admits the new key with the password file the hub writes, and refuses the old one', async () => {
    const [backend] = storeBackends('Mosquitto after a key rotation');
    hubStore = await migratedStore(backend!);
    const hub = Identity.generate(HUB_ID);
    mission = await enrolMission(hubStore.db, hub, uniqueMissionId('sn'));
    const old = mission.identity;
    const next = Identity.generate(old.partyId);
    await rotateMissionKey(
      hubStore.db,
      hub,
      old.partyId,
      createKeyRotationRequest(old, next, 'Mission', new Date(), 0),
      { now: new Date(), actor: 'officer:test', expectOldKeyId: old.keyId },
    );

    temp = await makeTempDir('econsulat-mosquitto-');
    const written = await writeMosquittoFiles(temp.dir, await buildMosquittoFiles(hubStore.db, hub));
    broker = await startPrivateMosquitto(temp.dir, written);
    const url = broker.url;

    const login = (identity: Identity) =>
      new Promise<string | number | undefined>((resolve) => {
        const client = mqtt.connect(url, {
          protocolVersion: 4,
          reconnectPeriod: 0,
          clientId: identity.partyId,
          username: identity.partyId,
          password: missionBrokerPassword(identity, hub.toPublic()),
        });
        client.once('connect', () => {
          void client.endAsync(true).then(() => resolve('accepted'));
        });
        client.once('error', (error) => {
          client.end(true);
          resolve((error as { code?: number }).code);
        });
      });
    expect(await login(next)).toBe('accepted');
    expect(await login(old)).toBe(5); // MQTT 3.1.1 §3.2.2.3: not authorized
  }, 60_000);
});
