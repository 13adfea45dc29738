import { describe, expect, it } from 'vitest';
import { hubConfigFromEnv } from '../hub/config/env.js';
import { nodeConfigFromEnv } from '../node/config/env.js';

const NODE_ENV = {
  MISSION_ID: 'fr-paris',
  MISSION_NAME: 'Ambassade à Paris',
  MISSION_DATA_DIR: '/tmp/econsulat-config-test',
  MISSION_REGION: 'FR',
  MISSION_HOST_CURRENCY: 'EUR',
};
const HUB_ENV = { HUB_DATA_DIR: '/tmp/econsulat-config-test-hub' };
const PLAIN_REFUSAL = /plain MQTT across the network: use mqtts:\/\/ \(TLS\), or set MQTT_INSECURE=true/;

describe('production configuration: no plain MQTT across a network', () => {
  it('refuses a node pointed at mqtt:// on another machine, unless marked insecure on purpose', () => {
    expect(() => nodeConfigFromEnv({ ...NODE_ENV, MQTT_URL: 'mqtt://hub.example.org:1883' })).toThrow(
      PLAIN_REFUSAL,
    );
    const marked = nodeConfigFromEnv({
      ...NODE_ENV,
      MQTT_URL: 'mqtt://10.0.0.5:1883',
      MQTT_INSECURE: 'true',
    });
    expect(marked.mqtt).toMatchObject({ url: 'mqtt://10.0.0.5:1883', insecure: true });
  });

  it('takes mqtts:// anywhere, and mqtt:// on the loopback, where nothing crosses a wire', () => {
    expect(nodeConfigFromEnv({ ...NODE_ENV, MQTT_URL: 'mqtts://hub.example.org:8883' }).mqtt?.insecure).toBe(
      false,
    );
    for (const url of ['mqtt://127.0.0.1:1883', 'mqtt://localhost:1883', 'mqtt://[::1]:1883']) {
      expect(nodeConfigFromEnv({ ...NODE_ENV, MQTT_URL: url }).mqtt?.url).toBe(url);
    }
  });

  it('refuses a hub on an external broker over mqtt:// off the machine, unless marked insecure', () => {
    expect(() => hubConfigFromEnv({ ...HUB_ENV, MQTT_URL: 'mqtt://broker.example.org:1883' })).toThrow(
      PLAIN_REFUSAL,
    );
    expect(hubConfigFromEnv({ ...HUB_ENV, MQTT_URL: 'mqtts://broker.example.org:8883' }).mqtt.mode).toBe(
      'external',
    );
    expect(
      hubConfigFromEnv({ ...HUB_ENV, MQTT_URL: 'mqtt://broker.lab:1883', MQTT_INSECURE: 'true' }).mqtt,
    ).toMatchObject({ mode: 'external', insecure: true });
  });

  it('refuses an embedded broker listening in clear off the loopback without TLS', () => {
    expect(() => hubConfigFromEnv({ ...HUB_ENV, HUB_MQTT_HOST: '0.0.0.0' })).toThrow(
      /the broker would listen in clear on 0\.0\.0\.0: give it a TLS listener/,
    );
    const withTls = hubConfigFromEnv({
      ...HUB_ENV,
      HUB_MQTT_HOST: '0.0.0.0',
      HUB_MQTT_TLS_PORT: '8883',
      HUB_MQTT_TLS_CERT: '/etc/econsulat/broker.crt',
      HUB_MQTT_TLS_KEY: '/etc/econsulat/broker.key',
    });
    expect(withTls.mqtt).toMatchObject({ mode: 'embedded', host: '0.0.0.0', tls: { port: 8883 } });
    expect(hubConfigFromEnv({ ...HUB_ENV, HUB_MQTT_HOST: '0.0.0.0', MQTT_INSECURE: 'true' }).mqtt.mode).toBe(
      'embedded',
    );
    expect(hubConfigFromEnv(HUB_ENV).mqtt).toMatchObject({ mode: 'embedded', host: '127.0.0.1' });
  });
});
