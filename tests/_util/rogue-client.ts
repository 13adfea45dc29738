import mqtt from 'mqtt';
import { createBrokerToken, type Identity } from '../../protocol/index.js';

/**
 * Connects a raw MQTT client as `identity` (its broker token as password), the way a stolen or
 * misbehaving mission key would be used outside the node software. Resolves on CONNACK.
 */
export function connectAs(
  url: string,
  identity: Identity,
  options: mqtt.IClientOptions = {},
): Promise<mqtt.MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(url, {
      clientId: identity.partyId,
      username: identity.partyId,
      password: createBrokerToken(identity, Date.now()),
      protocolVersion: 4,
      reconnectPeriod: 0,
      ...options,
    });
    client.once('connect', () => resolve(client));
    client.once('error', reject);
  });
}

/** A copy of `bytes` with one bit flipped at `offset` (negative counts from the end). */
export function flipByte(bytes: Uint8Array, offset: number): Uint8Array {
  const copy = Uint8Array.from(bytes);
  const at = offset < 0 ? copy.length + offset : offset;
  copy[at] = (copy[at] ?? 0) ^ 0x01;
  return copy;
}

/** Offset of the low byte of the channel sequence in an envelope header (PROTOCOL.md, envelope bytes). */
export const SEQ_LOW_BYTE = 26;

/**
 * The value of one sample in a Prometheus text exposition, or undefined when the sample is
 * absent. `labels` must match the sample's labels exactly.
 */
export function metricSample(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const wanted = Object.entries(labels)
    .map(([key, value]) => `${key}="${value}"`)
    .sort()
    .join(',');
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})?\s+(\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = (match[2] ?? '')
      .split(',')
      .filter((pair) => pair.length > 0)
      .sort()
      .join(',');
    if (found === wanted) return Number(match[3]);
  }
  return undefined;
}

/** Ends a client, ignoring a connection the broker already closed. */
export async function endQuietly(client: mqtt.MqttClient | undefined): Promise<void> {
  await client?.endAsync(true).catch(() => undefined);
}
