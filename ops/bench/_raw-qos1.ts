import { randomBytes } from 'node:crypto';
import mqtt from 'mqtt';
import { startBroker } from '../../hub/broker/broker.js';
import { backupTopic, createBrokerToken, encodeChunkFrame, HUB_ID } from '../../protocol/index.js';
import type { BenchPair } from './link-pair.js';
import { until } from './link-pair.js';

/**
 * Seconds to publish frames of `sizes` (chunk bytes, each framed as a chunk frame) at QoS 1 from the
 * mission to a plain subscriber, with the off-site sender's window of unacknowledged frames. The broker is the embedded one
 * with the pair's trust and access rules, started afresh so that no hub process takes the frames.
 */
export async function rawQos1Seconds(
  pair: Pick<BenchPair, 'hub' | 'mission' | 'trust'>,
  sizes: readonly number[],
  window: { readonly frames: number; readonly bytes: number },
): Promise<number> {
  const broker = await startBroker({
    host: '127.0.0.1',
    port: 0,
    trust: pair.trust,
    events: { refused: () => {} },
  });
  const url = `mqtt://127.0.0.1:${broker.port}`;
  const topic = backupTopic(pair.mission.partyId);
  const connect = (clientId: string, username: string, password: string) =>
    mqtt.connectAsync(url, { clientId, username, password, protocolVersion: 4, reconnectPeriod: 0 });
  const subscriber = await connect('hub-raw', HUB_ID, createBrokerToken(pair.hub, Date.now()));
  let received = 0;
  subscriber.on('message', () => {
    received += 1;
  });
  await subscriber.subscribeAsync(topic, { qos: 1 });
  const publisher = await connect(
    pair.mission.partyId,
    pair.mission.partyId,
    createBrokerToken(pair.mission, Date.now()),
  );
  const frames = framesBySize(sizes);
  let inFlight = 0;
  let inFlightBytes = 0;
  let freed: (() => void) | undefined;
  const start = process.hrtime.bigint();
  for (const size of sizes) {
    const frame = frames.get(size);
    if (!frame) continue;
    // The sender's rule: at most `frames` unacknowledged, and past the first, at most `bytes`.
    while (inFlight >= window.frames || (inFlight > 0 && inFlightBytes >= window.bytes)) {
      await new Promise<void>((resolve) => {
        freed = resolve;
      });
    }
    inFlight += 1;
    inFlightBytes += frame.length;
    void publisher.publishAsync(topic, frame, { qos: 1 }).finally(() => {
      inFlight -= 1;
      inFlightBytes -= frame.length;
      freed?.();
    });
  }
  // Every frame delivered, and every PUBACK back before the connections close.
  await until(() => received >= sizes.length && inFlight === 0);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await publisher.endAsync(true);
  await subscriber.endAsync(true);
  await broker.close();
  return seconds;
}

/** One random frame per distinct size: the bytes do not matter to the broker, only their number. */
function framesBySize(sizes: readonly number[]): Map<number, Buffer> {
  const frames = new Map<number, Buffer>();
  for (const size of sizes) {
    if (!frames.has(size)) frames.set(size, Buffer.from(encodeChunkFrame(randomBytes(size))));
  }
  return frames;
}
