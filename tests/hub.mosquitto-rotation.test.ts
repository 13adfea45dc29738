import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
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
import { announceSkip } from './_util/services.js';

const hasMosquitto = !spawnSync('mosquitto', ['-h']).error;
if (!hasMosquitto) announceSkip('Mosquitto after a key rotation', 'PATH (to include mosquitto)');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitUntilListening(port: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const isUp = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (isUp) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`mosquitto did not listen on ${port}`);
}

describe.runIf(hasMosquitto)('an external Mosquitto after a key rotation', () => {
  let hubStore: TestStore | undefined;
  let temp: TempDir | undefined;
  let broker: ChildProcess | undefined;
  let mission: EnrolledMission | undefined;
  beforeAll(ready);
  afterAll(async () => {
    if (broker && broker.exitCode === null) {
      const exited = new Promise((resolve) => broker?.once('exit', resolve));
      broker.kill();
      await exited;
    }
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
    const port = await freePort();
    const conf = join(temp.dir, 'mosquitto.conf');
    await writeFile(
      conf,
      [
        `listener ${port} 127.0.0.1`,
        'allow_anonymous false',
        `password_file ${written.passwordFile}`,
        `acl_file ${written.aclFile}`,
        'persistence false',
        `user ${userInfo().username}`,
        '',
      ].join('\n'),
    );
    broker = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    await waitUntilListening(port);

    const login = (identity: Identity) =>
      new Promise<string | number | undefined>((resolve) => {
        const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, {
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
