import { execFileSync, spawnSync } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildMosquittoFiles,
  mosquittoPasswordLine,
  writeMosquittoFiles,
} from '../hub/broker/mosquitto-config.js';
import type { IngestOutcome } from '../hub/ingest/ingest-types.js';
import { HubIngestLink } from '../hub/link/hub-link.js';
import { revokeMission } from '../hub/services/missions/revocations.js';
import { loadTrustStore } from '../hub/services/missions/trust-loader.js';
import type { HubLink } from '../node/link/hub-connection.js';
import { appendEvent, newEvent, outboxBacklog } from '../node/services/outbox/outbox.js';
import { initHub, readHubConfig } from '../ops/commands/hub.js';
import { writeBrokerConfig } from '../ops/commands/hub-broker-config.js';
import {
  ALL_UP_TOPICS,
  downTopic,
  HUB_ID,
  hubBrokerPassword,
  Identity,
  missionBrokerPassword,
  ready,
  upTopic,
} from '../protocol/index.js';
import { bookedData } from './_util/event-data.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { type EnrolledMission, enrolMission, uniqueMissionId } from './_util/mission-link.js';
import { makeTempDir, type TempDir } from './_util/node-store.js';
import { type PrivateMosquitto, startPrivateMosquitto } from './_util/private-mosquitto.js';
import { announceSkip } from './_util/services.js';

const hasMosquitto = !spawnSync('mosquitto', ['-h']).error && !spawnSync('mosquitto_passwd', ['-h']).error;
if (!hasMosquitto) announceSkip('the external Mosquitto broker config', 'PATH (to include mosquitto)');

describe('broker passwords derived from the keys', () => {
  beforeAll(ready);

  it('gives the mission and the hub the same password, different for each mission', () => {
    const hub = Identity.generate(HUB_ID);
    const paris = Identity.generate('fr-paris');
    const yaounde = Identity.generate('cm-yaounde');
    const parisPassword = missionBrokerPassword(paris, hub.toPublic());
    expect(missionBrokerPassword(hub, paris.toPublic())).toBe(parisPassword);
    expect(parisPassword).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(missionBrokerPassword(yaounde, hub.toPublic())).not.toBe(parisPassword);
    expect(hubBrokerPassword(hub)).not.toBe(parisPassword);
    expect(missionBrokerPassword(paris, Identity.generate(HUB_ID).toPublic())).not.toBe(parisPassword);
  });

  it('throws on a pair that is not the hub and one mission', () => {
    const paris = Identity.generate('fr-paris');
    expect(() => missionBrokerPassword(paris, Identity.generate('cm-yaounde').toPublic())).toThrow(TypeError);
    const hub = Identity.generate(HUB_ID);
    expect(() => missionBrokerPassword(hub, hub.toPublic())).toThrow(TypeError);
    expect(() => hubBrokerPassword(paris)).toThrow(TypeError);
  });
});

const backends = storeBackends('Mosquitto config from the hub database');

for (const backend of backends) {
  describe(`Mosquitto files from the hub database (${backend.name})`, () => {
    let hubStore: TestStore | undefined;
    let temp: TempDir | undefined;
    const missions: EnrolledMission[] = [];
    beforeAll(ready);
    afterAll(async () => {
      await Promise.all(missions.map((mission) => mission.node.cleanup()));
      await hubStore?.dispose();
      await temp?.cleanup();
    });

    it('lists the enrolled missions and the hub, leaves revoked ones out, writes mode 0600', async () => {
      hubStore = await migratedStore(backend);
      const hub = Identity.generate(HUB_ID);
      const [a, b, revoked] = await Promise.all(
        ['fr', 'cm', 'sn'].map((country) => enrolMission(hubStore!.db, hub, uniqueMissionId(country))),
      );
      missions.push(a!, b!, revoked!);
      const { trust } = await loadTrustStore(hubStore.db, hub.toPublic());
      await revokeMission(hubStore.db, hub, trust, revoked!.identity.partyId, 'retired', new Date());

      const files = await buildMosquittoFiles(hubStore.db, hub);
      const ids = [a!.identity.partyId, b!.identity.partyId].sort();
      expect(files.missions).toEqual(ids);
      const users = files.passwords
        .split('\n')
        .filter((line) => line && !line.startsWith('#'))
        .map((line) => line.split(':')[0]);
      expect(users.sort()).toEqual([...ids, HUB_ID].sort());
      expect(files.passwords).not.toContain(revoked!.identity.partyId);
      expect(files.acl).not.toContain(revoked!.identity.partyId);
      const id = a!.identity.partyId;
      expect(files.acl).toContain(
        `user ${id}\ntopic write econsulat/v1/m/${id}/up\ntopic write econsulat/v1/m/${id}/presence\n` +
          `topic write econsulat/v1/m/${id}/backup\ntopic read econsulat/v1/m/${id}/down\n` +
          `topic read econsulat/v1/m/${id}/backup-ack\n`,
      );
      expect(files.acl).toContain(
        'user hub\ntopic read econsulat/v1/m/+/up\ntopic read econsulat/v1/m/+/presence\n' +
          'topic read econsulat/v1/m/+/backup\ntopic write econsulat/v1/m/+/down\ntopic write econsulat/v1/m/+/backup-ack\n',
      );

      temp = await makeTempDir('econsulat-mosquitto-');
      const written = await writeMosquittoFiles(temp.dir, files);
      for (const path of [written.passwordFile, written.aclFile]) {
        expect((await stat(path)).mode & 0o777).toBe(0o600);
      }
      expect(await readFile(written.aclFile, 'utf8')).toBe(files.acl);
    });
  });
}

describe.runIf(hasMosquitto)('a private Mosquitto with the written password file and ACL', () => {
  let hubStore: TestStore | undefined;
  let temp: TempDir | undefined;
  let broker: PrivateMosquitto | undefined;
  let url = '';
  let hub: Identity;
  let a: EnrolledMission;
  let b: EnrolledMission;
  let revoked: EnrolledMission;
  let hubLink: HubIngestLink | undefined;
  const outcomes: IngestOutcome[] = [];
  const links: HubLink[] = [];
  const clients: mqtt.MqttClient[] = [];

  beforeAll(async () => {
    await ready();
    // The broker is what this suite is about: the embedded database is enough.
    hubStore = await migratedStore(backends[0]!);
    hub = Identity.generate(HUB_ID);
    a = await enrolMission(hubStore.db, hub, uniqueMissionId('fr'));
    b = await enrolMission(hubStore.db, hub, uniqueMissionId('cm'));
    revoked = await enrolMission(hubStore.db, hub, uniqueMissionId('sn'));
    const { trust } = await loadTrustStore(hubStore.db, hub.toPublic());
    await revokeMission(hubStore.db, hub, trust, revoked.identity.partyId, 'retired', new Date());

    temp = await makeTempDir('econsulat-mosquitto-');
    const written = await writeMosquittoFiles(temp.dir, await buildMosquittoFiles(hubStore.db, hub));
    broker = await startPrivateMosquitto(temp.dir, written);
    url = broker.url;

    hubLink = new HubIngestLink(hubStore.db, hub, trust, {
      url,
      clientId: 'hub-mosquitto-test',
      shareGroup: 'econsulat-hub',
      credentials: 'password',
      onOutcome: (outcome) => outcomes.push(outcome),
    });
    await hubLink.start();
  }, 60_000);

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.endAsync(true)));
    await Promise.all(links.map((link) => link.stop()));
    await hubLink?.stop();
    await broker?.stop();
    for (const mission of [a, b, revoked]) await mission?.node.cleanup();
    await hubStore?.dispose();
    await temp?.cleanup();
  });

  function connect(options: mqtt.IClientOptions): Promise<mqtt.MqttClient> {
    return new Promise((resolve, reject) => {
      const client = mqtt.connect(url, { protocolVersion: 4, reconnectPeriod: 0, ...options });
      clients.push(client);
      client.once('connect', () => resolve(client));
      client.once('error', reject);
    });
  }

  function connectAs(mission: EnrolledMission, clientId: string): Promise<mqtt.MqttClient> {
    const { identity } = mission;
    return connect({
      clientId,
      username: identity.partyId,
      password: missionBrokerPassword(identity, hub.toPublic()),
    });
  }

  async function eventsAtHub(missionId: string): Promise<{ total: number; distinct: number }> {
    const [row] = (await hubStore?.db.query<{ total: number; distinct: number }>(
      'SELECT count(*) AS total, count(DISTINCT event_id) AS "distinct" FROM mission_events WHERE mission_id = $1',
      [missionId],
    )) ?? [{ total: 0, distinct: 0 }];
    return { total: Number(row?.total), distinct: Number(row?.distinct) };
  }

  it('writes the password line mosquitto_passwd writes for the same salt', async () => {
    const file = join(temp!.dir, 'reference-passwords');
    execFileSync('mosquitto_passwd', ['-c', '-b', file, 'fr-paris', 'mot-de-passe']);
    const reference = (await readFile(file, 'utf8')).trim();
    const [, , iterations, salt] = reference.split('$');
    expect(
      mosquittoPasswordLine('fr-paris', 'mot-de-passe', Buffer.from(salt!, 'base64'), Number(iterations)),
    ).toBe(reference);
  });

  it('carries a mission’s events, connected with its derived password, to the hub’s shared subscription once each', async () => {
    const queued = 40;
    for (let i = 0; i < queued; i++) {
      appendEvent(
        a.node.store,
        newEvent({
          kind: 'appointment.booked',
          entity: 'appointment',
          entityId: `RDV-${i}`,
          data: bookedData({ i }),
        }),
      );
    }
    const link = a.link({ url, credentials: 'password', reconnect: { baseMs: 100, maxMs: 1000 } });
    links.push(link);
    link.start();
    await expect
      .poll(() => eventsAtHub(a.identity.partyId), { timeout: 20_000 })
      .toEqual({
        total: queued,
        distinct: queued,
      });
    // The acknowledgements came back down: the hub wrote to the mission's down, the mission read it.
    await expect.poll(() => outboxBacklog(a.node.store).count, { timeout: 10_000 }).toBe(0);
    const [row] = await hubStore!.db.query<{ online: boolean }>('SELECT online FROM missions WHERE id = $1', [
      a.identity.partyId,
    ]);
    expect(row?.online).toBe(true);
  });

  it('refuses a wrong password, another mission’s password, a revoked mission and an anonymous client', async () => {
    const refusal = (options: mqtt.IClientOptions) =>
      connect(options).then(
        () => 'accepted',
        (error: { code?: number }) => error.code,
      );
    const id = a.identity.partyId;
    const notAuthorized = 5; // MQTT 3.1.1 §3.2.2.3: connection refused, not authorized
    expect(await refusal({ clientId: `${id}-wrong`, username: id, password: 'not-the-password' })).toBe(
      notAuthorized,
    );
    expect(
      await refusal({
        clientId: `${id}-swapped`,
        username: id,
        password: missionBrokerPassword(b.identity, hub.toPublic()),
      }),
    ).toBe(notAuthorized);
    expect(
      await refusal({
        clientId: revoked.identity.partyId,
        username: revoked.identity.partyId,
        password: missionBrokerPassword(revoked.identity, hub.toPublic()),
      }),
    ).toBe(notAuthorized);
    expect(await refusal({ clientId: 'anonymous-probe' })).toBe(notAuthorized);
  });

  it('never delivers what a mission publishes to another mission’s up', async () => {
    const spy = await connect({ clientId: 'hub-spy', username: HUB_ID, password: hubBrokerPassword(hub) });
    const seen: string[] = [];
    spy.on('message', (topic, payload) => seen.push(`${topic} ${payload.toString('latin1')}`));
    await spy.subscribeAsync(ALL_UP_TOPICS, { qos: 1 });
    const rogue = await connectAs(a, `${a.identity.partyId}-rogue`);
    // Mosquitto acknowledges an unauthorised MQTT 3.1.1 publish and drops it.
    await rogue.publishAsync(upTopic(b.identity.partyId), Buffer.from('forged'), { qos: 1 });
    // The same client's next message, to its own up, arrives after the first would have.
    await rogue.publishAsync(upTopic(a.identity.partyId), Buffer.from('marker'), { qos: 1 });
    await expect
      .poll(() => seen.includes(`${upTopic(a.identity.partyId)} marker`), { timeout: 10_000 })
      .toBe(true);
    expect(seen.filter((entry) => entry.startsWith(`${upTopic(b.identity.partyId)} `))).toEqual([]);
    // The hub's ingest refuses the marker (not an envelope); the forged message would be a second refusal.
    const malformed = () => outcomes.filter((o) => o.status === 'refused' && o.reason === 'malformed').length;
    await expect.poll(malformed, { timeout: 10_000 }).toBe(1);
    expect(outcomes.some((o) => 'missionId' in o && o.missionId === b.identity.partyId)).toBe(false);
    expect(await eventsAtHub(b.identity.partyId)).toEqual({ total: 0, distinct: 0 });
  });

  it('never delivers another mission’s down to a mission that subscribes to it', async () => {
    // Mosquitto 2's acl_file grants every SUBSCRIBE and checks read access on each message it
    // would deliver, so the subscription is accepted and stays empty.
    const owner = await connectAs(b, `${b.identity.partyId}-probe`);
    const ownerSeen: string[] = [];
    owner.on('message', (topic) => ownerSeen.push(topic));
    await owner.subscribeAsync(downTopic(b.identity.partyId), { qos: 1 });
    const rogue = await connectAs(a, `${a.identity.partyId}-reader`);
    const rogueSeen: string[] = [];
    rogue.on('message', (topic) => rogueSeen.push(topic));
    await rogue.subscribeAsync({
      [downTopic(b.identity.partyId)]: { qos: 1 },
      [downTopic(a.identity.partyId)]: { qos: 1 },
    });
    hubLink?.publishDown(b.identity.partyId, new Uint8Array([1, 2, 3]));
    // Published after B's: once the rogue has its own, B's would have come first.
    hubLink?.publishDown(a.identity.partyId, new Uint8Array([4, 5, 6]));
    await expect
      .poll(() => ownerSeen.includes(downTopic(b.identity.partyId)), { timeout: 10_000 })
      .toBe(true);
    await expect
      .poll(() => rogueSeen.includes(downTopic(a.identity.partyId)), { timeout: 10_000 })
      .toBe(true);
    expect(rogueSeen).not.toContain(downTopic(b.identity.partyId));
  });
});

describe('econsulat hub broker-config', () => {
  let temp: TempDir | undefined;
  afterAll(() => temp?.cleanup());

  it('writes both files for the hub in its config and prints the lines for mosquitto.conf', async () => {
    temp = await makeTempDir('econsulat-broker-config-');
    await initHub({ dir: join(temp.dir, 'hub'), httpPort: '0', mqttPort: '0', embeddedDatabase: 'pglite' });
    const config = await readHubConfig(join(temp.dir, 'hub', 'hub.json'));
    const outDir = join(temp.dir, 'mosquitto');
    const printed = await writeBrokerConfig(config, outDir);
    expect(printed).toContain(`password_file ${join(outDir, 'passwords')}`);
    expect(printed).toContain(`acl_file ${join(outDir, 'acl')}`);
    expect(printed).toContain('allow_anonymous false');
    expect(printed).toMatch(/after each enrolment or revocation/);
    const passwords = await readFile(join(outDir, 'passwords'), 'utf8');
    expect(passwords).toMatch(/^hub:\$7\$101\$[A-Za-z0-9+/]{16}\$[A-Za-z0-9+/]{86}==$/m);
    expect((await stat(join(outDir, 'acl'))).mode & 0o777).toBe(0o600);
  }, 60_000);
});
