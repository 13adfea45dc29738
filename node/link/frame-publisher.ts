import type mqtt from 'mqtt';

/** Publishes frames on one topic at QoS 1, never resent by the client after a reconnection. */
export interface FramePublisher {
  /** Resolves on the broker's PUBACK; rejects when the connection went first. */
  publish(payload: Uint8Array): Promise<void>;
  dispose(): void;
}

/**
 * mqtt.js keeps every QoS 1 publication without a PUBACK and sends it again after reconnecting
 * ([MQTT-4.4.0-1]). For off-site chunk frames that is wrong: a frame whose PUBACK was lost in a cut
 * may have reached the hub and been acknowledged, and must never go again; the hub names what it
 * still lacks after the manifest is sent again, and the sender sends that. So, when the connection
 * closes, the frames of this topic still waiting for their PUBACK are dropped from the client's
 * session store (their promises reject, and the sender forgets them).
 */
export function createFramePublisher(client: mqtt.MqttClient, topic: string): FramePublisher {
  const waiting = new Set<number>();
  const onSend = (packet: mqtt.Packet) => {
    if (packet.cmd === 'publish' && packet.topic === topic && packet.messageId !== undefined)
      waiting.add(packet.messageId);
  };
  const onReceive = (packet: mqtt.Packet) => {
    if (packet.cmd === 'puback' && packet.messageId !== undefined) waiting.delete(packet.messageId);
  };
  const onClose = () => {
    for (const id of waiting) client.removeOutgoingMessage(id);
    waiting.clear();
  };
  client.on('packetsend', onSend);
  client.on('packetreceive', onReceive);
  client.on('close', onClose);
  return {
    async publish(payload) {
      // A view of the frame, not a copy: frames are megabytes, and nothing changes one once built.
      const bytes = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
      await client.publishAsync(topic, bytes, { qos: 1 });
    },
    dispose() {
      client.removeListener('packetsend', onSend);
      client.removeListener('packetreceive', onReceive);
      client.removeListener('close', onClose);
    },
  };
}
