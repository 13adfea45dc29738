import mqtt from 'mqtt';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedBroker, startBroker } from '../hub/broker/broker.js';
import {
  ALL_PRESENCE_TOPICS,
  ALL_UP_TOPICS,
  createBrokerToken,
  downTopic,
  Identity,
  PRESENCE_OFFLINE,
  PRESENCE_ONLINE,
  presenceTopic,
  ready,
  signRevocationList,
  TrustStore,
  upTopic,
} from '../protocol/index.js';

interface Refusal {
  kind: string;
  partyId: string | undefined;
  detail: string;
}

let hub: Identity;
let paris: Identity;
let yaounde: Identity;
let trust: TrustStore;
let broker: EmbeddedBroker | undefined;
let refusals: Refusal[];
const clients: mqtt.MqttClient[] = [];

function trustForever(identity: Identity): void {
  trust.trust({ identity: identity.toPublic(), validFrom: 0, validUntil: Number.MAX_SAFE_INTEGER });
}

async function start(): Promise<EmbeddedBroker> {
  refusals = [];
  broker = await startBroker({
    host: '127.0.0.1',
    port: 0,
    trust,
    events: { refused: (kind, partyId, detail) => refusals.push({ kind, partyId, detail }) },
  });
  return broker;
}

function connect(identity: Identity, options: mqtt.IClientOptions = {}): Promise<mqtt.MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(`mqtt://127.0.0.1:${broker?.port}`, {
      clientId: identity.partyId === 'hub' ? 'hub-test' : identity.partyId,
      username: identity.partyId,
      password: createBrokerToken(identity, Date.now()),
      protocolVersion: 4,
      reconnectPeriod: 0,
      ...options,
    });
    clients.push(client);
    client.once('connect', () => resolve(client));
    client.once('error', reject);
  });
}

describe('embedded broker: token authentication and topic ACL', () => {
  beforeAll(async () => {
    await ready();
    hub = Identity.generate('hub');
    paris = Identity.generate('fr-paris');
    yaounde = Identity.generate('cm-yaounde');
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.endAsync(true)));
    await broker?.close();
    broker = undefined;
  });

  function freshTrust(): void {
    trust = new TrustStore();
    for (const identity of [hub, paris, yaounde]) trustForever(identity);
  }

  it('lets a mission publish to its own up topic and the hub receive it', async () => {
    freshTrust();
    await start();
    const hubClient = await connect(hub);
    await hubClient.subscribeAsync(ALL_UP_TOPICS, { qos: 1 });
    const received = new Promise<string>((resolve) => hubClient.on('message', (topic) => resolve(topic)));
    const node = await connect(paris);
    await node.publishAsync(upTopic('fr-paris'), Buffer.from('ciphertext'), { qos: 1 });
    expect(await received).toBe(upTopic('fr-paris'));
  });

  it('refuses a mission that is not enrolled, and a token made for another username', async () => {
    freshTrust();
    await start();
    const stranger = Identity.generate('ga-libreville');
    await expect(connect(stranger)).rejects.toThrow();
    await expect(connect(paris, { username: 'cm-yaounde', clientId: 'cm-yaounde' })).rejects.toThrow();
    expect(refusals.filter((r) => r.kind === 'connect')).toHaveLength(2);
  });

  it('admits each token once: a token seen on the wire opens no second connection', async () => {
    freshTrust();
    await start();
    const token = createBrokerToken(paris, Date.now());
    const first = await connect(paris, { password: token });
    expect(first.connected).toBe(true);
    await first.endAsync(true);
    // The same token again, as someone who captured it would present it: refused, and counted.
    await expect(connect(paris, { password: token })).rejects.toThrow();
    expect(refusals).toEqual([{ kind: 'connect', partyId: 'fr-paris', detail: 'token already used' }]);
    // The mission itself, with a fresh token as its link makes for every attempt, still connects.
    expect((await connect(paris)).connected).toBe(true);
  });

  it('refuses a revoked mission', async () => {
    freshTrust();
    const list = signRevocationList(
      hub,
      1,
      [
        {
          partyId: 'fr-paris',
          keyId: paris.keyId,
          revokedAt: new Date().toISOString(),
          reason: 'compromised',
        },
      ],
      new Date(),
    );
    trust.applyRevocations(list.serial, list.entries);
    await start();
    await expect(connect(paris)).rejects.toThrow();
    expect(refusals[0]?.detail).toMatch(/revoked_key/);
  });

  it('refuses a mission publishing to another mission topic, and the hub never sees it', async () => {
    freshTrust();
    await start();
    const hubClient = await connect(hub);
    await hubClient.subscribeAsync(ALL_UP_TOPICS, { qos: 1 });
    const seen: string[] = [];
    hubClient.on('message', (topic) => seen.push(topic));
    const node = await connect(paris);
    node.on('error', () => {});
    node.publish(upTopic('cm-yaounde'), Buffer.from('forged'), { qos: 1 });
    await expect.poll(() => refusals.some((r) => r.kind === 'publish')).toBe(true);
    expect(refusals.find((r) => r.kind === 'publish')).toMatchObject({
      partyId: 'fr-paris',
      detail: upTopic('cm-yaounde'),
    });
    expect(seen).toEqual([]);
  });

  it('refuses a mission subscribing to another mission down topic or to wildcards', async () => {
    freshTrust();
    await start();
    const node = await connect(paris);
    await expect(node.subscribeAsync(downTopic('cm-yaounde'), { qos: 1 })).rejects.toThrow();
    const again = await connect(paris);
    await expect(again.subscribeAsync('econsulat/v1/m/#', { qos: 1 })).rejects.toThrow();
    const third = await connect(paris);
    await expect(third.subscribeAsync(downTopic('fr-paris'), { qos: 1 })).resolves.toBeDefined();
    expect(refusals.filter((r) => r.kind === 'subscribe')).toHaveLength(2);
  });

  it('publishes the retained offline presence of a mission that drops, through its last will', async () => {
    freshTrust();
    await start();
    const node = await connect(paris, {
      will: {
        topic: presenceTopic('fr-paris'),
        payload: Buffer.from(PRESENCE_OFFLINE),
        qos: 1,
        retain: true,
      },
      keepalive: 1,
    });
    await node.publishAsync(presenceTopic('fr-paris'), PRESENCE_ONLINE, { qos: 1, retain: true });
    const hubClient = await connect(hub);
    const states: string[] = [];
    hubClient.on('message', (_topic, payload) => states.push(payload.toString()));
    await hubClient.subscribeAsync(ALL_PRESENCE_TOPICS, { qos: 1 });
    await expect.poll(() => states).toEqual([PRESENCE_ONLINE]);
    node.stream.destroy();
    await expect.poll(() => states, { timeout: 5000 }).toEqual([PRESENCE_ONLINE, PRESENCE_OFFLINE]);
  });
});
