import type mqtt from 'mqtt';

/**
 * Something else that travels on the link's MQTT connection, outside the channel (the off-site
 * chunk frames): it learns of the client once, of each connection and close, and receives the
 * messages of its own topics.
 */
export interface LinkAttachment {
  /** Subscribed (QoS 1) on each connection. */
  readonly topics: readonly string[];
  attach(client: mqtt.MqttClient): void;
  connected(): void;
  disconnected(): void;
  onMessage(topic: string, payload: Uint8Array): void;
}
