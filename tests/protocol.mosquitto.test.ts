import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALL_UP_TOPICS,
  fromUtf8,
  Identity,
  MemoryReceiveState,
  open,
  parseTopic,
  ready,
  seal,
  TrustStore,
  upTopic,
} from '../protocol/index.js';
import { announceSkip, testMqttUrl } from './_util/services.js';

if (!testMqttUrl) announceSkip('envelopes over Mosquitto', 'TEST_MQTT_URL');

function connect(url: string, clientId: string): Promise<mqtt.MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(url, { clientId, protocolVersion: 4, reconnectPeriod: 0 });
    client.once('connect', () => resolve(client));
    client.once('error', reject);
  });
}

describe.runIf(testMqttUrl)('sealed envelopes over a real Mosquitto broker', () => {
  const suffix = Math.random().toString(36).slice(2, 8);
  const missionId = `fr-paris${suffix}`;
  const clients: mqtt.MqttClient[] = [];

  beforeAll(ready);
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.endAsync()));
  });

  it('delivers sealed events that the hub opens, while a subscriber on # sees no clear text', async () => {
    const url = testMqttUrl as string;
    const node = Identity.generate(missionId);
    const hub = Identity.generate('hub');
    const trust = new TrustStore();
    trust.trust({ identity: node.toPublic(), validFrom: 0, validUntil: Number.MAX_SAFE_INTEGER });
    const [hubClient, nodeClient, spy] = await Promise.all([
      connect(url, `hub-${suffix}`),
      connect(url, `node-${suffix}`),
      connect(url, `spy-${suffix}`),
    ]);
    clients.push(hubClient, nodeClient, spy);

    const seen: Buffer[] = [];
    spy.on('message', (_topic, payload) => seen.push(payload));
    await spy.subscribeAsync('#', { qos: 1 });
    const state = new MemoryReceiveState();
    const applied: string[] = [];
    const done = new Promise<void>((resolve) => {
      hubClient.on('message', (topic, payload) => {
        if (parseTopic(topic)?.missionId !== missionId) return;
        const result = open(new Uint8Array(payload), {
          self: hub,
          trust,
          now: Date.now(),
          receiveState: state,
        });
        if (!result.ok || result.value.type !== 'events.batch') return;
        state.record(missionId, { action: 'apply', advanceTo: result.value.header.seq });
        applied.push(...result.value.body.events.map((event) => String(event.data.applicant)));
        if (applied.length === 3) resolve();
      });
    });
    await hubClient.subscribeAsync(ALL_UP_TOPICS, { qos: 1 });

    const names = ['Ngaïkoumon Bérénice', 'Yakité Dieudonné', 'Zanga-Kolingba Aimée'];
    for (const [i, name] of names.entries()) {
      const envelope = seal({
        sender: node,
        recipient: hub.toPublic(),
        type: 'events.batch',
        seq: i + 1,
        timestamp: Date.now(),
        body: {
          events: [
            {
              id: crypto.randomUUID(),
              kind: 'registration.created',
              entity: 'registration',
              entityId: `REG-${i}`,
              at: new Date().toISOString(),
              data: { applicant: name },
            },
          ],
        },
      });
      await nodeClient.publishAsync(upTopic(missionId), Buffer.from(envelope), { qos: 1 });
    }
    await done;
    expect(applied).toEqual(names);
    await expect.poll(() => seen.length).toBeGreaterThanOrEqual(3);
    for (const payload of seen) {
      const text = payload.toString('latin1');
      for (const name of names) expect(text).not.toContain(name.split(' ')[0]);
      expect(() => JSON.parse(fromUtf8(payload))).toThrow();
    }
  });
});
